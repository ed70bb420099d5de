package io.warmpool.server.crawl;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * A gateway's hold on the crawl jobs it runs, on its own thread ({@code crawl-leases}): every {@code term / 3} it
 * renews the lease of each job running here (a job whose renewal is refused was taken over or ended: its worker is
 * interrupted) and claims jobs nobody holds, as many as the gateway has room for. Thread-safe.
 */
public final class CrawlLeases implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CrawlLeases.class);

    /**
     * @param term      how long a claim lasts without renewal: a dead gateway's jobs wait this long for another
     * @param exclusive this gateway alone uses the store (SQLite in its own data directory): at start it takes over
     *                  every running job at once, without waiting for an earlier run's leases to end
     */
    public record Settings(Duration term, boolean exclusive) {
        public static final Settings DEFAULT = new Settings(Duration.ofSeconds(15), false);

        public Settings {
            if (term == null || term.toMillis() < 300) {
                throw new IllegalArgumentException("crawl lease term must be at least 300 ms (term=" + term + ")");
            }
        }
    }

    /** Starts a worker for a job claimed with {@code fence}. */
    interface Spawner {
        void spawn(String id, long fence);
    }

    private final CrawlStore store;
    private final InstantSource clock;
    private final Settings settings;
    private final Map<String, Crawler.Worker> workers;
    private final Spawner spawner;
    private final IntSupplier room;
    private final String owner = "gw-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    private final AtomicLong failures = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "crawl-leases");
        t.setDaemon(true);
        return t;
    });

    CrawlLeases(CrawlStore store, InstantSource clock, Settings settings, Map<String, Crawler.Worker> workers,
                Spawner spawner, IntSupplier room) {
        this.store = store;
        this.clock = clock;
        this.settings = settings;
        this.workers = workers;
        this.spawner = spawner;
        this.room = room;
    }

    /** This gateway's name in the jobs it holds. */
    String owner() {
        return owner;
    }

    /** When a claim or renewal made now ends. */
    long leaseEnd() {
        return clock.millis() + settings.term().toMillis();
    }

    void start() {
        if (settings.exclusive()) {
            claim(Long.MAX_VALUE);
        }
        long every = Math.max(100, settings.term().toMillis() / 3);
        timer.scheduleWithFixedDelay(this::tick, 0, every, TimeUnit.MILLISECONDS);
    }

    /** Failed renew-and-claim rounds (the store did not answer); each is logged. */
    public long failures() {
        return failures.get();
    }

    private void tick() {
        try {
            renew();
            claim(clock.millis());
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            log.warn("crawl leases - renewing or claiming failed (jobs here keep running until their leases end): {}",
                    e.toString());
        }
    }

    private void renew() {
        workers.forEach((id, worker) -> {
            if (!store.renew(id, worker.fence(), leaseEnd())) {
                log.info("crawl {} - its lease is gone (taken over, cancelled or ended): stopping here", id);
                worker.thread().interrupt();
            }
        });
    }

    /** Claims running jobs whose lease ended before {@code expiredBefore}, as many as there is room for. */
    private void claim(long expiredBefore) {
        int free = room.getAsInt();
        if (free <= 0) {
            return;
        }
        for (String id : store.claimable(expiredBefore, free)) {
            if (workers.containsKey(id)) {
                continue;
            }
            store.claim(id, owner, expiredBefore, leaseEnd()).ifPresent(fence -> {
                log.info("crawl {} - claimed by {} (fence {})", id, owner, fence);
                spawner.spawn(id, fence);
            });
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("crawl leases - the lease thread did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
