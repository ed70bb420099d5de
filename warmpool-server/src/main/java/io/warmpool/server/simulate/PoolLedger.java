package io.warmpool.server.simulate;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-pool tallies of one replay, written by {@code --per-pool FILE}: acquires, warm hits, idle instance-seconds
 * (warm or starting; integrated on virtual time whenever a pool's idle count changes) and starts. The sums over all
 * pools equal the replay's totals. Not thread-safe: confined to the simulator's thread.
 */
final class PoolLedger {
    /** The CSV header of {@link #write}: part of the simulator's interface. */
    static final String HEADER = "pool,requests,warmHits,warmHitRate,idleInstanceSeconds,instancesStarted,warmthCost";

    private static final class Tally {
        long requests;
        long warmHits;
        long starts;
        int idle;
        long sinceMs;
        double idleMs;
    }

    private final VirtualTime time;
    private final Map<String, Tally> tallies = new TreeMap<>();

    PoolLedger(VirtualTime time) {
        this.time = time;
    }

    void idleChanged(String pool, int delta) {
        Tally t = settle(pool);
        t.idle += delta;
    }

    void started(String pool) {
        tally(pool).starts++;
    }

    void requested(String pool, boolean warm) {
        Tally t = tally(pool);
        t.requests++;
        if (warm) {
            t.warmHits++;
        }
    }

    /** Writes one CSV row per pool, idle time counted up to now. */
    void write(Path file) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            w.write(HEADER);
            w.newLine();
            for (String pool : tallies.keySet()) {
                Tally t = settle(pool);
                double idleSeconds = t.idleMs / 1000.0;
                w.write(String.format(Locale.ROOT, "%s,%d,%d,%.6f,%.3f,%d,%.3f", pool, t.requests, t.warmHits,
                        t.requests == 0 ? 0 : (double) t.warmHits / t.requests, idleSeconds, t.starts,
                        idleSeconds + t.starts));
                w.newLine();
            }
        }
    }

    private Tally settle(String pool) {
        Tally t = tally(pool);
        long now = time.nowMs();
        t.idleMs += (double) t.idle * (now - t.sinceMs);
        t.sinceMs = now;
        return t;
    }

    private Tally tally(String pool) {
        return tallies.computeIfAbsent(pool, p -> new Tally());
    }
}
