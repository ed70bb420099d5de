package io.warmpool.store.jdbc;

import io.warmpool.ClaimRequest;
import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.PoolExhaustedException;
import io.warmpool.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Group commit of one shard's claims and releases. An operation that finds nothing queued and a transaction slot free
 * runs at once on the caller's thread, as a batch of one: an uncontended claim pays no hand-off to another thread
 * (two thread wake-ups, 2 ms for one caller through the gateway). Otherwise the caller queues its operation and
 * waits; a combiner thread takes what is queued (up to its {@code maxBatch}, each session id at most once) and runs it
 * as one transaction, so that many claims share one commit (on PostgreSQL one WAL flush, on SQLite one turn on the
 * shard's connection). At most {@code threads} transactions of the combiner run at once, on the callers' threads
 * or its own (a fair {@link Semaphore}, so a waiting batch is not overtaken by newcomers). Each
 * claim is still one conditional write in the store; nothing about who holds what is kept here, so many gateways
 * may combine against one PostgreSQL at once.
 *
 * <p>When a batch commits, every waiter gets its own answer. When it fails, nothing of it was written: on a conflict
 * another transaction could cause (a session id bound meanwhile by another gateway, a deadlock) each operation is run
 * again alone; otherwise every waiter gets the error. The queue holds {@link #QUEUE} operations: a claim that finds
 * it full is refused with {@link PoolExhaustedException} (503, Retry-After), a release is run alone on the caller's
 * thread instead, so that no release is ever lost. Thread-safe.
 */
final class ClaimCombiner implements AutoCloseable {

    /** Operations waiting at most; past that a claim is refused. */
    static final int QUEUE = 4_096;
    static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(ClaimCombiner.class);
    private static final long IDLE_POLL_MS = 50;
    /** How long {@link #close} waits for transactions running on callers' threads. */
    private static final long CLOSE_WAIT_MS = 30_000;

    /** How a batch and a single operation are run against the store. */
    interface Runner {
        /** Runs {@code ops} in one transaction, setting each one's answer; returns once it committed. */
        void runBatch(List<Op> ops);

        /** Runs {@code op} alone, in its own transaction, and returns its answer. */
        Optional<Instance> runOne(Op op);

        /**
         * Whether an operation run on its caller's thread runs as {@link #runOne} (one auto-committed statement where
         * the database allows: no separate commit round trip) rather than as a batch of one.
         */
        default boolean inlineAlone() {
            return false;
        }
    }

    /** One queued claim or release, and the answer its caller waits for. */
    static final class Op {
        final ClaimRequest claim; // null for a release
        final String sessionId;
        final InstanceState next; // null for a claim
        /** The answer a batch computed, handed over once it committed: for a claim, null when the id is bound. */
        Optional<Instance> answer;
        private final CompletableFuture<Optional<Instance>> done = new CompletableFuture<>();

        private Op(ClaimRequest claim, String sessionId, InstanceState next) {
            this.claim = claim;
            this.sessionId = sessionId;
            this.next = next;
        }

        boolean isClaim() {
            return claim != null;
        }
    }

    private final String name;
    private final Runner runner;
    private final BlockingQueue<Op> queue = new LinkedBlockingQueue<>();
    /** Operations queued or taken by a combiner thread and not yet in a running batch; at most {@code capacity}. */
    private final AtomicInteger pending = new AtomicInteger();
    private final int capacity;
    private final int maxBatch;
    /** One permit per transaction of this combiner that may run at once (each on a connection of its own). */
    private final Semaphore slots;
    private final int slotCount;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong combined = new AtomicLong();
    private final AtomicLong inline = new AtomicLong();
    private volatile boolean closed;

    /**
     * Starts {@code threads} combiner threads; at most {@code threads} transactions run at once (each on a connection
     * of its own, on a caller's thread or a combiner thread), each batch at most {@code maxBatch} operations, with at
     * most {@code queueCapacity} operations waiting.
     */
    ClaimCombiner(String name, Runner runner, int threads, int maxBatch, int queueCapacity) {
        this.maxBatch = maxBatch;
        this.name = name;
        this.runner = runner;
        this.capacity = queueCapacity;
        this.slots = new Semaphore(threads, true);
        this.slotCount = threads;
        for (int t = 0; t < threads; t++) {
            this.threads.add(Thread.ofPlatform().daemon().name(name + " claims-" + t).start(this::loop));
        }
    }

    /** The claim's first attempt: the instance, empty when none was free, null when the session id is bound. */
    Optional<Instance> claim(ClaimRequest request) {
        Op op = new Op(request, request.sessionId(), null);
        if (runInline(op)) {
            return await(op);
        }
        if (!enqueue(op)) {
            throw new PoolExhaustedException(request.pool() + " - " + name + " - " + pending.get()
                    + " claims and releases already waiting for the store (at most " + capacity + ")", RETRY_AFTER);
        }
        return await(op);
    }

    /** The release's answer, or null when the queue is full and the caller must release alone. */
    Optional<Instance> release(String sessionId, InstanceState next) {
        Op op = new Op(null, sessionId, next);
        return runInline(op) || enqueue(op) ? await(op) : null;
    }

    /**
     * Runs {@code op} on the caller's thread, as a batch of one, when nothing is queued and a transaction slot is free
     * (no batch waits for one: the slots are fair); false when the caller must queue it. Its answer or error is then in
     * {@code op}.
     */
    private boolean runInline(Op op) {
        if (closed) {
            throw closedError();
        }
        if (pending.get() > 0 || !tryTakeSlot()) {
            return false;
        }
        try {
            inline.incrementAndGet();
            if (runner.inlineAlone()) {
                batches.incrementAndGet();
                combined.incrementAndGet();
                runAlone(op);
            } else {
                run(List.of(op));
            }
        } catch (RuntimeException | Error e) {
            // run() already handed the error to op, and await(op) throws it to this caller
        } finally {
            slots.release();
        }
        return true;
    }

    private boolean tryTakeSlot() {
        try {
            return slots.tryAcquire(0, TimeUnit.MILLISECONDS); // unlike tryAcquire(), this one respects fairness
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for the store", null, e);
        }
    }

    /** Batches committed or failed so far, and operations they held (for benchmarks and logs). */
    long[] batchesAndOperations() {
        return new long[] {batches.get(), combined.get()};
    }

    /** Whether {@link #close} began. */
    boolean closing() {
        return closed;
    }

    /** Operations that ran on their caller's thread, each a batch of one (also counted in the batches). */
    long inlineRuns() {
        return inline.get();
    }

    /** Operations queued and not yet taken into a running batch. */
    int queued() {
        return pending.get();
    }

    private boolean enqueue(Op op) {
        if (closed) {
            throw closedError();
        }
        if (pending.incrementAndGet() > capacity) {
            pending.decrementAndGet();
            return false;
        }
        queue.add(op);
        // close() drains the queue after its threads stop: an operation queued after that drain is taken back here
        if (closed && queue.remove(op)) {
            pending.decrementAndGet();
            throw closedError();
        }
        return true;
    }

    private static Optional<Instance> await(Op op) {
        try {
            return op.done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for the store", null, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StoreException s) {
                throw new StoreException(s.getMessage(), s.sqlState(), s);
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new StoreException("claim combiner failed: " + cause, null, cause);
        }
    }

    /**
     * Waits for an operation, then for a transaction slot, and only then takes the batch, so that what queued while
     * the slots were busy goes into it.
     */
    private void loop() {
        ArrayDeque<Op> deferred = new ArrayDeque<>();
        while (!closed) {
            try {
                if (deferred.isEmpty()) {
                    Op first = queue.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    deferred.add(first);
                }
                if (!slots.tryAcquire(IDLE_POLL_MS, TimeUnit.MILLISECONDS)) {
                    continue; // closed is checked again
                }
                try {
                    if (closed) {
                        break; // what it holds gets the "closed" error below, as what is still queued does
                    }
                    List<Op> batch = nextBatch(deferred);
                    pending.addAndGet(-batch.size());
                    run(batch);
                } finally {
                    slots.release();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException | Error e) {
                log.error("{} - claim combiner failed; it goes on", name, e);
            }
        }
        pending.addAndGet(-deferred.size());
        fail(deferred);
    }

    /**
     * Up to {@code maxBatch} operations, the deferred ones first ({@code deferred} is not empty), each session id
     * once: a second operation on a session already in the batch waits for the next one, so that operations on one
     * session keep their order.
     */
    private List<Op> nextBatch(ArrayDeque<Op> deferred) {
        List<Op> batch = new ArrayList<>();
        Set<String> sessions = new HashSet<>();
        ArrayDeque<Op> later = new ArrayDeque<>();
        while (!deferred.isEmpty() && batch.size() < maxBatch) {
            add(deferred.poll(), batch, sessions, later);
        }
        List<Op> more = new ArrayList<>();
        queue.drainTo(more, maxBatch - batch.size());
        for (Op op : more) {
            add(op, batch, sessions, later);
        }
        later.addAll(deferred);
        deferred.clear();
        deferred.addAll(later);
        return batch;
    }

    private static void add(Op op, List<Op> batch, Set<String> sessions, ArrayDeque<Op> later) {
        if (sessions.add(op.sessionId)) {
            batch.add(op);
        } else {
            later.add(op);
        }
    }

    private void run(List<Op> batch) {
        batches.incrementAndGet();
        combined.addAndGet(batch.size());
        try {
            runner.runBatch(batch);
        } catch (StoreException e) {
            if (!isConflict(e)) {
                for (Op op : batch) {
                    op.done.completeExceptionally(e);
                }
                return;
            }
            log.debug("{} - a batch of {} met a conflict ({}); running each alone", name, batch.size(), e.getMessage());
            for (Op op : batch) {
                runAlone(op);
            }
            return;
        } catch (RuntimeException | Error e) {
            for (Op op : batch) {
                op.done.completeExceptionally(e);
            }
            throw e;
        }
        for (Op op : batch) {
            op.done.complete(op.answer);
        }
    }

    private void runAlone(Op op) {
        try {
            op.done.complete(runner.runOne(op));
        } catch (RuntimeException | Error e) {
            op.done.completeExceptionally(e);
        }
    }

    /** A failure another transaction may have caused (unique violation, deadlock, serialization), not this batch. */
    private static boolean isConflict(StoreException e) {
        String state = e.sqlState();
        return "23505".equals(state) || "40P01".equals(state) || "40001".equals(state);
    }

    private void fail(Iterable<Op> ops) {
        StoreException error = closedError();
        for (Op op : ops) {
            op.done.completeExceptionally(error);
        }
    }

    private StoreException closedError() {
        return new StoreException(name + " is closed", null, null);
    }

    /**
     * Stops the combiner threads after their current batch and waits (up to 30 s) for transactions running on callers'
     * threads, so that the store may close its connections next; operations still queued get a "closed" error.
     */
    @Override
    public void close() {
        closed = true;
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            if (slots.tryAcquire(slotCount, CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) {
                slots.release(slotCount); // only waited for them: a second close() must not wait again
            } else {
                log.warn("{} - closing while a claim still runs on its caller's thread", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Op> left = new ArrayList<>();
        queue.drainTo(left);
        pending.addAndGet(-left.size());
        fail(left);
        long[] counts = batchesAndOperations();
        log.debug("{} - claim combiner closed after {} batches of {} operations", name, counts[0], counts[1]);
    }
}
