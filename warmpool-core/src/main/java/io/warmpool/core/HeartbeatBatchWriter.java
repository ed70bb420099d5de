package io.warmpool.core;

import io.warmpool.HeartbeatReport;
import io.warmpool.WarmPoolException;
import io.warmpool.spi.HeartbeatQueue;
import io.warmpool.spi.InstanceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drains a region's {@link HeartbeatQueue} into its store: batches of up to {@code batchSize}, flushed at the
 * latest {@code flushAfter} after their first report, coalesced by instance (the latest report wins), each batch
 * written in one transaction, retried {@code retries} times, then dropped and counted.
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

    public HeartbeatBatchWriter(String region, HeartbeatQueue queue, InstanceStore store, int batchSize,
                                Duration flushAfter, int retries) {
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
        if (batch.isEmpty()) {
            return 0;
        }
        try {
            write(coalesce(batch), batch.size());
        } finally {
            queue.acknowledge(batch);
        }
        return batch.size();
    }

    static Collection<HeartbeatReport> coalesce(List<HeartbeatReport> batch) {
        Map<String, HeartbeatReport> latest = new LinkedHashMap<>();
        for (HeartbeatReport r : batch) {
            latest.merge(r.instanceId(), r, (old, neu) -> {
                if (!neu.alive() && old.alive()) {
                    return neu; // a death is never overwritten by an older "alive"
                }
                if (!old.alive() && neu.alive()) {
                    return old;
                }
                return neu.at().isBefore(old.at()) ? old : neu;
            });
        }
        return latest.values();
    }

    private void write(Collection<HeartbeatReport> reports, int taken) {
        for (int attempt = 0; ; attempt++) {
            try {
                store.applyHeartbeats(reports);
                reportsWritten.addAndGet(taken);
                batchesWritten.incrementAndGet();
                return;
            } catch (WarmPoolException e) {
                if (attempt >= retries) {
                    reportsDropped.addAndGet(taken);
                    log.warn("{} - dropped a batch of {} heartbeats after {} attempts: {}", region, taken, attempt + 1,
                            e.getMessage());
                    return;
                }
            }
        }
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
