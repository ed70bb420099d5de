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
 */
public record ClaimRequest(String pool, String version, String sessionId, Instant now, Duration keepAlive,
                           Instant freshAfter, int candidates) {
    public ClaimRequest {
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
