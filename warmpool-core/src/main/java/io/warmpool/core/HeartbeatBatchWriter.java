package io.warmpool.core;

import io.warmpool.HeartbeatReport;
import io.warmpool.WarmPoolException;
import io.warmpool.spi.HeartbeatQueue;
import io.warmpool.spi.InstanceStore;
import io.warmpool.spi.PoolMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drains a region's {@link HeartbeatQueue} into its store: batches of up to {@code batchSize}, flushed at the
 * latest {@code flushAfter} after their first report, coalesced ({@link PendingBeats}): an agent's "alive" reports
 * become one beat per agent (its liveness covers all its instances, one row however many instances it reports), and
 * a row per instance is written only for what changes it (a death; an "alive" without an agent). Each batch is written
 * in one transaction ({@link InstanceStore#applyBeats}) and retried {@code retries} times. Behind a backlog (a full
 * batch taken and at least another full one waiting), up to {@link #MAX_BATCHES_PER_WRITE} batches go into that one
 * transaction: group commit, so that a writer that had to wait for the store (a SQLite shard's one connection, busy
 * with claims) catches up in fewer, larger writes instead of staying one transaction per {@code batchSize} reports
 * behind until the queue refuses reports; each report still counts in the lag until its write commits. When the store stays
 * unwritable, reports are held (coalesced, at most {@code maxHeld}; past that the oldest are dropped and counted) and
 * written as soon as the store is back, with one log line each way; the queue's lag keeps growing meanwhile. With a
 * {@code refreshAfter}, a beat or heartbeat whose row this writer wrote recently is absorbed without a row write (it is
 * still taken, counted and acknowledged with its batch, so the lag stays honest), and a probe row goes out at least
 * every second so that an unwritable store still shows in the lag.
 * Run {@link #runOnce()} from tests; {@link #run()} loops until interrupted. Counters are thread-safe.
 */
public final class HeartbeatBatchWriter implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(HeartbeatBatchWriter.class);
    /**
     * With {@code refreshAfter}, every report of a batch may be absorbed, and a store that stopped taking writes would
     * go unnoticed (and the lag stay low) until a refresh falls due. So at least one row is written this often: the
     * stale-region signal follows an unwritable store within about a second.
     */
    static final long PROBE_EVERY_NANOS = 1_000_000_000L;
    /** Batches taken into one write at most when the queue holds a backlog. */
    static final int MAX_BATCHES_PER_WRITE = 16;

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
    private final PendingBeats pending; // writer thread only
    private final AtomicLong rowsWritten = new AtomicLong();
    private long lastRowWriteNanos; // writer thread only
    private boolean anyRowWritten; // writer thread only
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
        this.pending = new PendingBeats(refreshAfter.toMillis());
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
        if (batch.isEmpty() && pending.isEmpty()) {
            return 0;
        }
        if (batch.size() == batchSize && queue.size() >= batchSize) {
            batch = withBacklog(batch);
        }
        heldTaken += batch.size();
        for (HeartbeatReport r : batch) {
            pending.add(r);
        }
        reportsDropped.addAndGet(pending.dropBeyond(maxHeld));
        if (write()) {
            reportsWritten.addAndGet(heldTaken);
            batchesWritten.incrementAndGet();
            queue.acknowledge(batch);
            heldTaken = 0;
        }
        heldCount = pending.size();
        return batch.size();
    }

    /** {@code first} and the further full batches waiting behind it, up to {@link #MAX_BATCHES_PER_WRITE} in all. */
    private List<HeartbeatReport> withBacklog(List<HeartbeatReport> first) throws InterruptedException {
        List<HeartbeatReport> all = new ArrayList<>(first);
        for (int n = 1; n < MAX_BATCHES_PER_WRITE && all.size() == n * batchSize && queue.size() >= batchSize; n++) {
            all.addAll(queue.poll(batchSize, Duration.ZERO));
        }
        return all;
    }

    /**
     * Writes, in one transaction, the pending rows that change something (see {@link PendingBeats#due}). Retries;
     * false when the store stayed unwritable (the reports stay pending).
     */
    private boolean write() {
        long t0 = ticker.getAsLong();
        boolean probe = !anyRowWritten || t0 - lastRowWriteNanos >= PROBE_EVERY_NANOS;
        PendingBeats.Due due = pending.due(probe);
        boolean written = writeDue(due);
        metrics.heartbeatBatch(region, Duration.ofNanos(ticker.getAsLong() - t0));
        return written;
    }

    private boolean writeDue(PendingBeats.Due due) {
        for (int attempt = 0; ; attempt++) {
            try {
                if (due.rows() > 0) {
                    store.applyBeats(due.agents(), due.instances());
                    anyRowWritten = true;
                    lastRowWriteNanos = ticker.getAsLong();
                }
                rowsWritten.addAndGet(due.rows());
                pending.written(due);
                if (storeDown) {
                    storeDown = false;
                    log.info("{} - store writable again; wrote {} held heartbeat rows", region, due.rows());
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
