package io.warmpool.core;

import io.warmpool.HeartbeatReport;
import io.warmpool.WarmPoolException;
import io.warmpool.spi.HeartbeatQueue;
import io.warmpool.spi.InstanceStore;
import io.warmpool.spi.PoolMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drains a region's {@link HeartbeatQueue} into its store: batches of up to {@code batchSize}, flushed at the
 * latest {@code flushAfter} after their first report, coalesced by instance (the latest report wins), each batch
 * written in one transaction and retried {@code retries} times. When the store stays unwritable, reports are held
 * (coalesced by instance, at most {@code maxHeld}; past that the oldest are dropped and counted) and written as soon
 * as the store is back, with one log line each way; the queue's lag keeps growing meanwhile.
 * Run {@link #runOnce()} from tests; {@link #run()} loops until interrupted. Counters are thread-safe.
 */
public final class HeartbeatBatchWriter implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(HeartbeatBatchWriter.class);

    private final String region;
    private final HeartbeatQueue queue;
    private final InstanceStore store;
    private final int batchSize;
    private final Duration flushAfter;
    private final int retries;
    private final AtomicLong reportsWritten = new AtomicLong();
    private final AtomicLong batchesWritten = new AtomicLong();
    private final AtomicLong reportsDropped = new AtomicLong();
    private final int maxHeld;
    private final Map<String, HeartbeatReport> held = new LinkedHashMap<>(); // only touched by the writer thread
    private long heldTaken; // reports taken from the queue and not yet written; writer thread only
    private volatile int heldCount;
    private volatile boolean storeDown;

    private final PoolMetrics metrics;
    private final LongSupplier ticker;

    public HeartbeatBatchWriter(String region, HeartbeatQueue queue, InstanceStore store, int batchSize,
                                Duration flushAfter, int retries) {
        this(region, queue, store, batchSize, flushAfter, retries, PoolMetrics.NONE, System::nanoTime);
    }

    /** @param ticker a nanosecond ticker ({@code System::nanoTime}) that times batches for {@code metrics} */
    public HeartbeatBatchWriter(String region, HeartbeatQueue queue, InstanceStore store, int batchSize,
                                Duration flushAfter, int retries, PoolMetrics metrics, LongSupplier ticker) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1 (batchSize=" + batchSize + ")");
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0 (retries=" + retries + ")");
        }
        this.region = region;
        this.queue = queue;
        this.store = store;
        this.batchSize = batchSize;
        this.flushAfter = flushAfter;
        this.retries = retries;
        this.maxHeld = Math.max(batchSize, 100_000);
        this.metrics = metrics;
        this.ticker = ticker;
    }

    @Override
    public void run() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                runOnce();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.warn("{} - heartbeat writer failed, continuing", region, e);
            }
        }
    }

    /** Takes one batch (waiting up to {@code flushAfter}) and writes it; returns how many reports it took. */
    public int runOnce() throws InterruptedException {
        List<HeartbeatReport> batch = queue.poll(batchSize, flushAfter);
        if (batch.isEmpty() && held.isEmpty()) {
            return 0;
        }
        heldTaken += batch.size();
        for (HeartbeatReport r : coalesce(batch)) {
            held.merge(r.instanceId(), r, HeartbeatBatchWriter::latest);
        }
        dropOldestBeyondBound();
        if (write(held.values())) {
            reportsWritten.addAndGet(heldTaken);
            batchesWritten.incrementAndGet();
            held.clear();
            queue.acknowledge(batch);
            heldTaken = 0;
        }
        heldCount = held.size();
        return batch.size();
    }

    private void dropOldestBeyondBound() {
        var it = held.entrySet().iterator();
        while (held.size() > maxHeld && it.hasNext()) {
            it.next();
            it.remove();
            reportsDropped.incrementAndGet();
        }
    }

    static Collection<HeartbeatReport> coalesce(List<HeartbeatReport> batch) {
        Map<String, HeartbeatReport> latest = new LinkedHashMap<>();
        for (HeartbeatReport r : batch) {
            latest.merge(r.instanceId(), r, HeartbeatBatchWriter::latest);
        }
        return latest.values();
    }

    private static HeartbeatReport latest(HeartbeatReport old, HeartbeatReport neu) {
        if (!neu.alive() && old.alive()) {
            return neu; // a death is never overwritten by an older "alive"
        }
        if (!old.alive() && neu.alive()) {
            return old;
        }
        return neu.at().isBefore(old.at()) ? old : neu;
    }

    /** Writes in one transaction, retrying; false when the store stayed unwritable (the reports stay held). */
    private boolean write(Collection<HeartbeatReport> reports) {
        long t0 = ticker.getAsLong();
        boolean written = writeRetrying(reports);
        metrics.heartbeatBatch(region, Duration.ofNanos(ticker.getAsLong() - t0));
        return written;
    }

    private boolean writeRetrying(Collection<HeartbeatReport> reports) {
        for (int attempt = 0; ; attempt++) {
            try {
                store.applyHeartbeats(reports);
                if (storeDown) {
                    storeDown = false;
                    log.info("{} - store writable again; wrote {} held heartbeats", region, reports.size());
                }
                return true;
            } catch (WarmPoolException e) {
                if (attempt >= retries) {
                    if (!storeDown) {
                        storeDown = true;
                        log.warn("{} - store unwritable, holding heartbeats until it is back: {}", region, e.getMessage());
                    }
                    return false;
                }
            }
        }
    }

    /** Whether the last write failed and reports are being held. */
    public boolean storeDown() {
        return storeDown;
    }

    /** Reports held (coalesced by instance) while the store is unwritable. */
    public int held() {
        return heldCount;
    }

    public long reportsWritten() {
        return reportsWritten.get();
    }

    public long batchesWritten() {
        return batchesWritten.get();
    }

    public long reportsDropped() {
        return reportsDropped.get();
    }
}
