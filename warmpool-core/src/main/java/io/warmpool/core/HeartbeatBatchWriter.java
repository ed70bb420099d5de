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
 * as the store is back, with one log line each way; the queue's lag keeps growing meanwhile. With a
 * {@code refreshAfter}, a report that would only move a recent stored heartbeat a little is absorbed without a row
 * write (it is still taken, counted and acknowledged with its batch, so the lag stays honest).
 * Run {@link #runOnce()} from tests; {@link #run()} loops until interrupted. Counters are thread-safe.
 */
public final class HeartbeatBatchWriter implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(HeartbeatBatchWriter.class);
    /** Instances whose last written heartbeat the writer remembers at most (about 100 bytes each). */
    static final int MAX_TRACKED = 2_000_000;
    /**
     * With {@code refreshAfter}, every report of a batch may be absorbed, and a store that stopped taking writes would
     * go unnoticed (and the lag stay low) until a refresh falls due. So at least one row is written this often: the
     * stale-region signal follows an unwritable store within about a second.
     */
    static final long PROBE_EVERY_NANOS = 1_000_000_000L;

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
    private final long refreshAfterMillis;
    /** Heartbeat time last written per instance; writer thread only; cleared when it outgrows {@link #MAX_TRACKED}. */
    private final Map<String, Long> lastWritten = new java.util.HashMap<>();
    private final AtomicLong rowsWritten = new AtomicLong();
    private long lastRowWriteNanos; // writer thread only
    private boolean anyRowWritten; // writer thread only
    private final Map<String, HeartbeatReport> held = new LinkedHashMap<>(); // only touched by the writer thread
    private long heldTaken; // reports taken from the queue and not yet written; writer thread only
    private volatile int heldCount;
    private volatile boolean storeDown;

    private final PoolMetrics metrics;
    private final LongSupplier ticker;

    public HeartbeatBatchWriter(String region, HeartbeatQueue queue, InstanceStore store, int batchSize,
                                Duration flushAfter, int retries) {
        this(region, queue, store, batchSize, flushAfter, retries, Duration.ZERO);
    }

    /**
     * @param refreshAfter an "alive" report for an instance whose heartbeat this writer wrote less than this long
     *                     before is absorbed without a row write (its stored heartbeat is recent enough); zero writes
     *                     every report. Must stay below the pools' {@code staleAfter} minus the report interval.
     */
    public HeartbeatBatchWriter(String region, HeartbeatQueue queue, InstanceStore store, int batchSize,
                                Duration flushAfter, int retries, Duration refreshAfter) {
        this(region, queue, store, batchSize, flushAfter, retries, refreshAfter, PoolMetrics.NONE, System::nanoTime);
    }

    /** Like the other constructors; {@code ticker} ({@code System::nanoTime}) times each batch for {@code metrics}. */
    public HeartbeatBatchWriter(String region, HeartbeatQueue queue, InstanceStore store, int batchSize,
                                Duration flushAfter, int retries, Duration refreshAfter, PoolMetrics metrics,
                                LongSupplier ticker) {
        if (refreshAfter.isNegative()) {
            throw new IllegalArgumentException("refreshAfter must be >= 0 (refreshAfter=" + refreshAfter + ")");
        }
        this.refreshAfterMillis = refreshAfter.toMillis();
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

    /**
     * Writes, in one transaction, the reports that change something: every death, and every instance whose stored
     * heartbeat is {@code refreshAfter} old or older. Retries; false when the store stayed unwritable (the reports
     * stay held).
     */
    private boolean write(Collection<HeartbeatReport> all) {
        long t0 = ticker.getAsLong();
        boolean written = writeDue(all);
        metrics.heartbeatBatch(region, Duration.ofNanos(ticker.getAsLong() - t0));
        return written;
    }

    private boolean writeDue(Collection<HeartbeatReport> all) {
        List<HeartbeatReport> reports = refreshAfterMillis == 0 ? List.copyOf(all) : due(all);
        for (int attempt = 0; ; attempt++) {
            try {
                if (!reports.isEmpty()) {
                    store.applyHeartbeats(reports);
                }
                rowsWritten.addAndGet(reports.size());
                if (!reports.isEmpty()) {
                    anyRowWritten = true;
                    lastRowWriteNanos = ticker.getAsLong();
                }
                remember(reports);
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

    private List<HeartbeatReport> due(Collection<HeartbeatReport> all) {
        List<HeartbeatReport> due = new java.util.ArrayList<>(all.size());
        for (HeartbeatReport r : all) {
            Long last = lastWritten.get(r.instanceId());
            if (!r.alive() || last == null || r.at().toEpochMilli() - last >= refreshAfterMillis) {
                due.add(r);
            }
        }
        if (due.isEmpty() && !all.isEmpty()
                && (!anyRowWritten || ticker.getAsLong() - lastRowWriteNanos >= PROBE_EVERY_NANOS)) {
            due.add(all.iterator().next()); // the probe row: see PROBE_EVERY_NANOS
        }
        return due;
    }

    private void remember(List<HeartbeatReport> written) {
        if (refreshAfterMillis == 0) {
            return;
        }
        if (lastWritten.size() + written.size() > MAX_TRACKED) {
            lastWritten.clear(); // costs one write per instance, never a missed one
        }
        for (HeartbeatReport r : written) {
            if (r.alive()) {
                lastWritten.put(r.instanceId(), r.at().toEpochMilli());
            } else {
                lastWritten.remove(r.instanceId());
            }
        }
    }

    /** Heartbeat rows written so far (fewer than reports when {@code refreshAfter} absorbs some). */
    public long rowsWritten() {
        return rowsWritten.get();
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
