package io.warmpool;

import java.time.Instant;
import java.util.Objects;

/**
 * One holder's term as leader of a region's housekeeping, as granted by the store's lease row.
 *
 * @param holder    who holds the lease (a gateway's id, unique per process)
 * @param token     the fencing token: grows by one each time the lease changes hands, never on a renewal; every
 *                  fenced write carries it and is refused once a newer term exists
 * @param expiresAt the lease is free for another holder from this instant on, unless renewed before
 */
public record LeaderTerm(String holder, long token, Instant expiresAt) {
    public LeaderTerm {
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (token < 1) {
            throw new IllegalArgumentException("token must be >= 1 (token=" + token + ")");
        }
    }
}
