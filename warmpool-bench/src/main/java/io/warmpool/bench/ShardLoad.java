package io.warmpool.bench;

import io.warmpool.HeartbeatReport;
import io.warmpool.core.RegionShard;
import io.warmpool.spi.InstanceStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The measured part of {@link ShardBench}: a heartbeat thread offering every instance's report once per 5 s in
 * 10 ms slices to the shard's queue, {@code claimers} claim-and-release threads, and a sampler of the
 * queue's lag every 50 ms, all for one window. Every thread it starts is joined before it returns.
 */
final class ShardLoad {
    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final int MAX_SAMPLES = 2_000_000;

    private final InstanceStore store;
    private final RegionShard shard;
    private final int instances;
    private final Duration window;
    private final int claimers;
    private final AtomicLong refused = new AtomicLong();
    private final String[] ids;
    private final String[] agents;
    private volatile boolean running = true;

    ShardLoad(InstanceStore store, RegionShard shard, int instances, Duration window, int claimers) {
        this.claimers = claimers;
        this.store = store;
        this.shard = shard;
        this.instances = instances;
        this.window = window;
        this.ids = new String[instances];
        this.agents = new String[instances];
        for (int i = 0; i < instances; i++) {
            ids[i] = "i-%08d".formatted(i);
            agents[i] = "a-" + (i / ShardBench.PER_AGENT);
        }
    }

    ShardBench.Result run(Cleanup cleanup) throws InterruptedException {
        cleanup.add(shard);
        shard.start();
        ConcurrentHashMap<String, String> held = new ConcurrentHashMap<>();
        AtomicLong doubles = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long written0 = shard.writer().reportsWritten();
        long t0 = System.nanoTime();
        threads.add(Thread.ofPlatform().name("bench-heartbeats").start(this::heartbeats));
        long[] lagSamples = new long[(int) Math.min(MAX_SAMPLES, window.toMillis() / 50 + 10)];
        int[] lagCount = new int[1];
        threads.add(Thread.ofPlatform().name("bench-lag").start(() -> sampleLag(lagSamples, lagCount)));
        int perThread = MAX_SAMPLES * 4 / claimers;
        for (int t = 0; t < claimers; t++) {
            long[] mine = new long[perThread];
            latencies.add(mine);
            int id = t;
            ShardBench.Claimer claimer = new ShardBench.Claimer(store, held, doubles);
            threads.add(Thread.ofPlatform().name("bench-claim-" + t).start(() -> claims(claimer, id, mine)));
        }
        LockSupport.parkNanos(window.toNanos());
        running = false;
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long written = shard.writer().reportsWritten() - written0;
        long[] all = merge(latencies);
        Percentiles claims = Percentiles.of(all);
        long[] lags = java.util.Arrays.copyOf(lagSamples, lagCount[0]);
        Percentiles lag = Percentiles.of(lags);
        System.out.printf(Locale.ROOT, "window %.1f s: %d reports absorbed (%d refused by a full queue), %d claims,"
                        + " lag p50 %.0f ms p99 %.0f ms max %.0f ms, claim p50 %.3f ms p99 %.3f ms max %.1f ms%n",
                seconds, written, refused.get(), all.length, lag.p50(), lag.ms(0.99), lag.maxMs(),
                claims.p50(), claims.ms(0.99), claims.maxMs());
        return new ShardBench.Result(written / seconds, lag.ms(0.99), all.length / seconds, claims.p50(),
                claims.ms(0.99), doubles.get());
    }

    /** Every instance once per cadence: each 10 ms slice offers the next instances/500 reports. */
    private void heartbeats() {
        long perSlice = Math.max(1, instances * SLICE_NANOS / ShardBench.cadence().toNanos());
        int next = 0;
        long due = System.nanoTime();
        while (running) {
            Instant now = Instant.now();
            for (long i = 0; i < perSlice; i++) {
                if (!shard.offer(new HeartbeatReport(ids[next], agents[next], true, now, now))) {
                    refused.incrementAndGet();
                }
                next = next + 1 == instances ? 0 : next + 1;
            }
            due += SLICE_NANOS;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    private void sampleLag(long[] samples, int[] count) {
        while (running && count[0] < samples.length) {
            samples[count[0]++] = shard.heartbeatLag().toNanos();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private void claims(ShardBench.Claimer claimer, int thread, long[] out) {
        int n = 0;
        while (running && n < out.length - 1) {
            long took = claimer.claimAndRelease("s-" + thread + "-" + n);
            if (took >= 0) {
                out[n++] = took;
            }
        }
        out[out.length - 1] = n; // the count, read back by merge
    }

    private static long[] merge(List<long[]> perThread) {
        int total = 0;
        for (long[] l : perThread) {
            total += (int) l[l.length - 1];
        }
        long[] all = new long[total];
        int at = 0;
        for (long[] l : perThread) {
            int n = (int) l[l.length - 1];
            System.arraycopy(l, 0, all, at, n);
            at += n;
        }
        return all;
    }
}
