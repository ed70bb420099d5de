package io.warmpool.agent.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Records a page session's {@code Page.lifecycleEvent}s so that a caller can wait for one that may have
 * arrived before the caller knew which loader to look for. Thread-safe: events come from the socket
 * thread, the waiter is the quick action's thread.
 */
final class LifecycleWatcher implements Consumer<CdpEvent> {
    record Lifecycle(String frameId, String loaderId, String name) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Lifecycle> seen = new ArrayList<>(); // guarded by lock

    @Override
    public void accept(CdpEvent event) {
        if (!event.method().equals("Page.lifecycleEvent")) {
            return;
        }
        Lifecycle lifecycle = new Lifecycle(event.params().path("frameId").asText(),
                event.params().path("loaderId").asText(), event.params().path("name").asText());
        lock.lock();
        try {
            seen.add(lifecycle);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** How many events were seen so far; pass it to {@link #await} to ignore those. */
    int mark() {
        lock.lock();
        try {
            return seen.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until an event named {@code name} for {@code frameId} (and {@code loaderId}, unless null) has
     * been seen after the first {@code from} events. Returns false at the deadline or as soon as
     * {@code alive} turns false.
     */
    boolean await(int from, String frameId, String loaderId, String name, Deadline deadline, BooleanSupplier alive)
            throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                for (Lifecycle l : seen.subList(from, seen.size())) {
                    if (l.name().equals(name) && l.frameId().equals(frameId)
                            && (loaderId == null || l.loaderId().equals(loaderId))) {
                        return true;
                    }
                }
                if (deadline.passed() || !alive.getAsBoolean()) {
                    return false;
                }
                // wake up now and then to notice a dead browser
                changed.await(Math.min(deadline.remaining().toNanos(), TimeUnit.MILLISECONDS.toNanos(200)),
                        TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
    }
}
