package io.warmpool.embedded;

import io.warmpool.PoolCounts;

import java.time.Instant;

/**
 * A {@link WarmPool}'s state at one moment. Immutable.
 *
 * @param counts              instances by state
 * @param warmHits            acquires served by a warm instance at once
 * @param coldHits            acquires that waited for a start
 * @param startsFailed        starts that failed (start timeout, exit during start, cannot run the command)
 * @param lastStartFailure    why the last failed start failed, or null
 * @param backingOffUntil     when starts resume after failures, or null when they may go ahead now
 */
public record PoolStatus(PoolCounts counts, long warmHits, long coldHits, long startsFailed,
                         String lastStartFailure, Instant backingOffUntil) {
}
