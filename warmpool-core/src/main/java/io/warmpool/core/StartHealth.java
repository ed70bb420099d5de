package io.warmpool.core;

import java.time.Instant;

/**
 * How a pool's starts fare in one region, for operators: after a failed start and until the next success the pool
 * is {@linkplain #failing() failing}, with the error and when starts resume (capped exponential back-off).
 * Immutable.
 *
 * @param consecutiveFailures starts failed since the last success (0: healthy)
 * @param lastError           why the last failed start failed (start timeout, exit during start, ...), or null
 * @param lastFailedAt        when it failed, or null
 * @param nextStartAt         when starts may resume, or null when they may go ahead now
 */
public record StartHealth(long consecutiveFailures, String lastError, Instant lastFailedAt, Instant nextStartAt) {

    /** True from a failed start until the next successful one. */
    public boolean failing() {
        return consecutiveFailures > 0;
    }
}
