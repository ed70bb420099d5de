package io.warmpool.testkit;

import io.warmpool.LeaderTerm;
import io.warmpool.LeaseLostException;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The lease rows of an {@link InMemoryInstanceStore}, same rules as the JDBC store's. Not thread-safe: the store's lock guards it. */
final class MemoryLeases {
    private final Map<String, LeaderTerm> terms = new HashMap<>();

    Optional<LeaderTerm> lead(String lease, String holder, Instant now, Duration period) {
        Instant until = millis(now.plus(period));
        LeaderTerm current = terms.get(lease);
        if (current == null) {
            return Optional.of(put(lease, new LeaderTerm(holder, 1, until)));
        }
        if (current.holder().equals(holder)) {
            return Optional.of(put(lease, new LeaderTerm(holder, current.token(), until)));
        }
        if (!current.expiresAt().isAfter(millis(now))) {
            return Optional.of(put(lease, new LeaderTerm(holder, current.token() + 1, until)));
        }
        return Optional.empty();
    }

    LeaderTerm seize(String lease, String holder, Instant now, Duration period) {
        LeaderTerm current = terms.get(lease);
        return put(lease, new LeaderTerm(holder, current == null ? 1 : current.token() + 1, millis(now.plus(period))));
    }

    void resign(String lease, String holder, long token) {
        LeaderTerm current = terms.get(lease);
        if (current != null && current.holder().equals(holder) && current.token() == token) {
            terms.put(lease, new LeaderTerm(holder, token, Instant.EPOCH));
        }
    }

    void check(String lease, long token) {
        LeaderTerm current = terms.get(lease);
        if (current == null || current.token() != token) {
            throw new LeaseLostException(lease, token);
        }
    }

    private LeaderTerm put(String lease, LeaderTerm term) {
        terms.put(lease, term);
        return term;
    }

    private static Instant millis(Instant t) {
        return Instant.ofEpochMilli(t.toEpochMilli());
    }
}
