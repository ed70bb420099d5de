package io.warmpool.server.simulate;

import io.warmpool.core.Lease;
import io.warmpool.core.PoolSettings;
import io.warmpool.core.RegionPool;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Replays a {@link Trace} through real {@link RegionPool}s (their claims, releases, housekeepers, starters and sizing
 * policies) in one region, on virtual time: a {@link SimulatedStore}, a {@link SimulatedProvider} whose starts take
 * {@code startMs}, housekeeping every {@code housekeepingInterval}. An acquire that finds no warm instance waits (it
 * counts as waiting in its pool, as a blocked acquire would) and is served first-come first-served as instances
 * turn warm. Sessions release clean (a quick action: back to warm at once). Not thread-safe; run once.
 */
final class Simulation {
    static final String REGION = "sim";

    private final Trace trace;
    private final long housekeepingMs;
    private final VirtualTime time = new VirtualTime();
    private final EventQueue queue = new EventQueue();
    private final PoolLedger ledger = new PoolLedger(time);
    private final SimulatedStore store = new SimulatedStore(ledger);
    private final SimulatedProvider provider;
    private final List<RegionPool> pools = new ArrayList<>();
    private final List<ArrayDeque<Integer>> waiters = new ArrayList<>();
    private final LinkedHashSet<Integer> poolsWithWaiters = new LinkedHashSet<>();
    private final long[] waits;
    private long served;
    private long warmHits;
    private long pendingReleases;
    private long lastMs;
    private double idleMs;
    private double busyMs;
    private int peak;

    Simulation(Trace trace, Function<String, PoolSettings> settings, long startMs, Duration housekeepingInterval) {
        this.trace = trace;
        this.housekeepingMs = Math.max(1, housekeepingInterval.toMillis());
        this.provider = new SimulatedProvider(time, queue, startMs, ledger);
        for (String name : trace.pools()) {
            pools.add(new RegionPool(REGION, settings.apply(name), store, provider, time, time::nanos,
                    provider.executor()));
            waiters.add(new ArrayDeque<>());
        }
        this.waits = new long[trace.size()];
    }

    SimulationResult run() {
        int next = 0;
        long nextTick = 0;
        int n = trace.size();
        while (next < n || pendingReleases > 0 || !poolsWithWaiters.isEmpty()) {
            long arrival = next < n ? trace.atMs()[next] : Long.MAX_VALUE;
            long task = queue.nextAt();
            long t = Math.min(arrival, Math.min(task, nextTick));
            advance(t);
            if (task == t) {
                queue.runNext();
            } else if (nextTick == t) {
                pools.forEach(RegionPool::housekeep);
                nextTick += housekeepingMs;
            } else {
                arrive(next++);
            }
            serveWaiters();
            peak = Math.max(peak, store.live());
        }
        return result();
    }

    private void advance(long t) {
        long dt = t - lastMs;
        if (dt > 0) {
            idleMs += (double) store.idle() * dt;
            busyMs += (double) store.claimed() * dt;
            lastMs = t;
        }
        time.advanceTo(t);
    }

    private void arrive(int i) {
        int p = trace.pool()[i];
        RegionPool pool = pools.get(p);
        if (waiters.get(p).isEmpty() && claim(pool, i)) {
            warmHits++;
            ledger.requested(trace.pools().get(p), true);
            return;
        }
        ledger.requested(trace.pools().get(p), false);
        pool.enterWaiting();
        waiters.get(p).addLast(i);
        poolsWithWaiters.add(p);
    }

    private void serveWaiters() {
        if (poolsWithWaiters.isEmpty()) {
            return;
        }
        for (Integer p : List.copyOf(poolsWithWaiters)) {
            ArrayDeque<Integer> queued = waiters.get(p);
            RegionPool pool = pools.get(p);
            while (!queued.isEmpty() && claim(pool, queued.peekFirst())) {
                queued.pollFirst();
                pool.leaveWaiting();
            }
            if (queued.isEmpty()) {
                poolsWithWaiters.remove(p);
            }
        }
    }

    /** Claims a warm instance for acquire {@code i} through the real pool; on success schedules its release. */
    private boolean claim(RegionPool pool, int i) {
        String session = "s" + i;
        long hold = trace.durationMs()[i];
        // the session's idle timeout never cuts a trace's session short
        Optional<Lease> lease = pool.tryAcquireWarm(session, Duration.ofMillis(hold + 60_000), List.of());
        if (lease.isEmpty()) {
            return false;
        }
        waits[(int) served++] = time.nowMs() - trace.atMs()[i];
        pendingReleases++;
        queue.at(time.nowMs() + hold, () -> {
            pendingReleases--;
            pool.release(session, true);
        });
        return true;
    }

    /** Per-pool tallies of the replay (after {@link #run()}). */
    PoolLedger ledger() {
        return ledger;
    }

    private SimulationResult result() {
        long[] sorted = Arrays.copyOf(waits, (int) served);
        Arrays.sort(sorted);
        return new SimulationResult(served, warmHits, percentile(sorted, 0.50), percentile(sorted, 0.99),
                idleMs / 1000.0, busyMs / 1000.0, provider.started(), peak);
    }

    private static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int idx = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }
}
