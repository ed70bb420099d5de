package io.warmpool.embedded;

import io.warmpool.PoolCounts;
import io.warmpool.PoolExhaustedException;
import io.warmpool.core.RegionPool;
import io.warmpool.core.RegionShard;
import io.warmpool.process.LocalProcessProvider;
import io.warmpool.process.ProcessGroup;
import io.warmpool.spi.PoolMetrics;
import io.warmpool.store.jdbc.SqliteInstanceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A pool of pre-warmed local processes inside a Java program, with no server: the warmpool engine (claims,
 * stickiness, housekeeping, sizing, metrics) over a SQLite store and a {@link LocalProcessProvider}.
 *
 * <pre>{@code
 * try (WarmPool pool = WarmPool.builder().template(ProcessTemplate.builder("python3", "-m", "http.server",
 *         "{port}", "--bind", "127.0.0.1").build()).minIdle(2).maxSize(8).build();
 *      Lease lease = pool.acquire("session-1", Duration.ofSeconds(2))) {
 *     HttpClient.newHttpClient().send(HttpRequest.newBuilder(lease.url()).build(), ofString());
 * }
 * }</pre>
 * <p>
 * Thread-safe: acquire from any number of threads (they block, virtual threads are fine). Background threads:
 * one housekeeper, one heartbeat writer, one heartbeat reporter, a leader lease renewer, and virtual threads for
 * starts, resets and stops. {@link #close()} stops every process and thread and deletes the files it made.
 */
public final class WarmPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WarmPool.class);

    private final String name;
    private final RegionShard shard;
    private final RegionPool pool;
    private final LocalProcessProvider provider;
    private final StartFailures metrics;
    private final ExecutorService tasks;
    private final ScheduledExecutorService heartbeats;
    private final Path ownedDir; // deleted on close; null when the caller chose where files go

    WarmPool(WarmPoolBuilder b, Path dataDir, Path ownedDir) {
        this.name = b.settings().name();
        this.ownedDir = ownedDir;
        this.metrics = new StartFailures(b.metrics());
        this.tasks = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("warmpool-" + name + "-", 0).factory());
        this.provider = new LocalProcessProvider(java.util.Map.of(name, b.template()), dataDir.resolve("instances"));
        Path storeFile = b.storeFile() != null ? b.storeFile() : dataDir.resolve("store.db");
        this.shard = new RegionShard(b.region(), SqliteInstanceStore.open(storeFile), provider, List.of(b.settings()),
                b.shardSettings(), InstantSource.system(), System::nanoTime, tasks, metrics);
        this.pool = shard.pool(name);
        shard.loseOrphans(); // a kept store file may list processes of an earlier run: they died with it
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("heartbeats-" + name).factory());
        shard.start();
        long every = b.heartbeatInterval().toMillis();
        heartbeats.scheduleWithFixedDelay(this::reportHeartbeats, every, every, TimeUnit.MILLISECONDS);
        log.info("{}/{} - warm pool started (minIdle={}, maxSize={})", name, b.region(), b.settings().minIdle(),
                b.settings().maxSize());
    }

    /** A builder with the defaults described on {@link WarmPoolBuilder}. */
    public static WarmPoolBuilder builder() {
        return new WarmPoolBuilder();
    }

    /**
     * Binds {@code sessionId} to an instance: the one it already holds (sticky), else a warm one, claimed
     * atomically, else the next one to start, waiting at most {@code wait}.
     *
     * @throws PoolExhaustedException          when none could be had within {@code wait}; its message carries the
     *                                         pool's counts
     * @throws io.warmpool.InstanceLostException when the session's instance died while the session held it
     */
    public Lease acquire(String sessionId, Duration wait) {
        long t0 = System.nanoTime();
        Optional<io.warmpool.core.Lease> lease = pool.acquire(sessionId, pool.settings().keepAlive(), wait, List.of());
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        if (lease.isEmpty()) {
            metrics.acquired(shard.name(), name, PoolMetrics.AcquireOutcome.EXHAUSTED, took);
            throw new PoolExhaustedException(name + "/" + shard.name() + " - no instance after " + wait.toMillis()
                    + "ms (" + pool.counts() + ", maxSize=" + pool.settings().maxSize() + ")", Duration.ofSeconds(1));
        }
        metrics.acquired(shard.name(), name, lease.get().warm() ? PoolMetrics.AcquireOutcome.WARM
                : PoolMetrics.AcquireOutcome.COLD, took);
        return new Lease(this, sessionId, lease.get());
    }

    /**
     * Ends {@code sessionId}'s hold: its instance is reset and warm again, or recycled.
     *
     * @return false when the session held nothing (releasing twice is not an error)
     */
    public boolean release(String sessionId) {
        return pool.release(sessionId, false);
    }

    /** The instance {@code sessionId} holds now, as its process (pid, port, output), if any. */
    public Optional<io.warmpool.process.ProcessInstance> process(String sessionId) {
        return pool.find(sessionId).flatMap(i -> provider.process(i.id()));
    }

    /** Instances by state, hits, failed starts and back-off, now. */
    public PoolStatus status() {
        PoolCounts counts = pool.counts();
        Instant backoff = pool.startsBackingOffUntil().orElse(null);
        return new PoolStatus(counts, pool.warmHits(), pool.coldHits(), metrics.failed(), provider.lastStartFailure(),
                backoff);
    }

    /** The process ids of every process this pool runs now: a read of the whole pool, for tools and tests. */
    public List<Long> pids() {
        return shard.snapshot(name).stream().flatMap(i -> provider.process(i.id()).stream())
                .map(io.warmpool.process.ProcessInstance::pid).filter(p -> p > 0).toList();
    }

    /** Reports every process's liveness now; a process that exited is LOST and replaced by housekeeping. */
    void reportHeartbeats() {
        try {
            provider.heartbeats(Instant.now()).forEach(shard::offer);
        } catch (RuntimeException e) {
            log.warn("{}/{} - heartbeat round failed: {}", name, shard.name(), e.toString());
        }
    }

    /** Stops every process (each within its stop timeout), every thread, and deletes the files it made. */
    @Override
    public void close() {
        heartbeats.shutdownNow();
        try {
            heartbeats.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shard.close(); // stops housekeeping, then the provider (every process), then the store
        tasks.shutdown();
        try {
            if (!tasks.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("{}/{} - tasks still running 30 s after close", name, shard.name());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownedDir != null) {
            ProcessGroup.deleteTree(ownedDir);
        }
        log.info("{}/{} - warm pool closed", name, shard.name());
    }
}
