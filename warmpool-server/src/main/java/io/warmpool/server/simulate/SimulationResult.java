package io.warmpool.server.simulate;

import java.util.Locale;

/**
 * What one replay measured. {@link #json()} is part of the interface (scripts parse it): exactly these keys, in
 * this order.
 *
 * @param idleInstanceSeconds instance-seconds spent warm or starting, not held by a session
 * @param busyInstanceSeconds instance-seconds held by sessions
 * @param instancesStarted    starts that completed
 * @param peakInstances       the most instances alive at once (starting, warm, claimed or stopping), all pools
 */
record SimulationResult(long requests, long warmHits, double waitP50Ms, double waitP99Ms, double idleInstanceSeconds,
                        double busyInstanceSeconds, long instancesStarted, int peakInstances) {

    double warmHitRate() {
        return requests == 0 ? 0 : (double) warmHits / requests;
    }

    /** Idle instance-seconds plus one instance-second per start: what warmth cost. */
    double warmthCost() {
        return idleInstanceSeconds + instancesStarted;
    }

    String json() {
        return String.format(Locale.ROOT, "{\"requests\":%d,\"warmHits\":%d,\"warmHitRate\":%.6f,\"waitP50Ms\":%.1f,"
                        + "\"waitP99Ms\":%.1f,\"idleInstanceSeconds\":%.1f,\"busyInstanceSeconds\":%.1f,"
                        + "\"instancesStarted\":%d,\"peakInstances\":%d}",
                requests, warmHits, warmHitRate(), waitP50Ms, waitP99Ms, idleInstanceSeconds, busyInstanceSeconds,
                instancesStarted, peakInstances);
    }
}
