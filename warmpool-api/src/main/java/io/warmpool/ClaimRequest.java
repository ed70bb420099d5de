package io.warmpool;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What a caller asks of a store's claim: one warm, fresh instance of {@code pool} and {@code version},
 * bound to {@code sessionId} until {@code now + keepAlive}.
 *
 * @param freshAfter only instances whose last heartbeat is at or after this instant are candidates
 * @param candidates how many best candidates the claim chooses randomly among (spreads contention)
 * @param zones      the caller's nearest zones, nearest first: a candidate in an earlier zone beats one in a later
 *                   zone, which beats one in any other zone; empty means no preference
 */
public record ClaimRequest(String pool, String version, String sessionId, Instant now, Duration keepAlive,
                           Instant freshAfter, int candidates, java.util.List<String> zones) {

    public ClaimRequest(String pool, String version, String sessionId, Instant now, Duration keepAlive,
                        Instant freshAfter, int candidates) {
        this(pool, version, sessionId, now, keepAlive, freshAfter, candidates, java.util.List.of());
    }

    public ClaimRequest {
        zones = zones == null ? java.util.List.of() : java.util.List.copyOf(zones);
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(keepAlive, "keepAlive");
        Objects.requireNonNull(freshAfter, "freshAfter");
        if (candidates < 1) {
            throw new IllegalArgumentException("candidates must be >= 1 (candidates=" + candidates + ")");
        }
    }
}
