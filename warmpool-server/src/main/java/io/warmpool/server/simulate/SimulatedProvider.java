package io.warmpool.server.simulate;

import io.warmpool.Instance;
import io.warmpool.spi.InstanceProvider;

import java.util.concurrent.Executor;

/**
 * A provider whose instances take {@code startMs} of virtual time to start, and the executor the pools run their
 * starts, resets and stops on. A start cannot block the simulator's one thread, so the executor defers it instead:
 * the real {@code InstanceStarter} asks {@link #place} for exactly one placement right before it hands the start to
 * the executor, and the executor runs the task that follows a placement {@code startMs} later; resets and stops run
 * at once (at the current virtual millisecond, after the task that queued them). Not thread-safe: confined to the
 * simulator's thread.
 */
final class SimulatedProvider implements InstanceProvider {
    private final VirtualTime time;
    private final EventQueue queue;
    private final long startMs;
    private final PoolLedger ledger;
    private boolean startPlaced;
    private long started;

    SimulatedProvider(VirtualTime time, EventQueue queue, long startMs, PoolLedger ledger) {
        this.ledger = ledger;
        this.time = time;
        this.queue = queue;
        this.startMs = startMs;
    }

    Executor executor() {
        return task -> {
            long delay = startPlaced ? startMs : 0;
            startPlaced = false;
            queue.at(time.nowMs() + delay, task);
        };
    }

    /** Instances started so far (a start is counted when it is ready). */
    long started() {
        return started;
    }

    @Override
    public Placement place(String region, String pool) {
        startPlaced = true;
        return new Placement("simulated", region + "-a");
    }

    @Override
    public Started start(Instance instance) {
        started++;
        ledger.started(instance.pool());
        return new Started("ws://simulated/" + instance.id(), "http://simulated");
    }

    @Override
    public void stop(Instance instance) {
        // nothing runs
    }

    @Override
    public boolean reset(Instance instance) {
        return true;
    }

    @Override
    public void close() {
        // nothing runs
    }
}
