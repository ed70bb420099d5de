package io.warmpool.core;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Wakes acquirers waiting for a pool when one of its instances becomes warm. Thread-safe. */
final class WarmSignal {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition warm = lock.newCondition();
    private long generation; // guarded by lock

    void signalAll() {
        lock.lock();
        try {
            generation++;
            warm.signalAll();
        } finally {
            lock.unlock();
        }
    }

    long generation() {
        lock.lock();
        try {
            return generation;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the generation moves past {@code seen} or {@code nanos} pass. */
    void awaitAfter(long seen, long nanos) throws InterruptedException {
        lock.lock();
        try {
            long left = nanos;
            while (generation == seen && left > 0) {
                left = warm.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    static long millisToNanos(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
