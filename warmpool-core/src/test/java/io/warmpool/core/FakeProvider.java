package io.warmpool.core;

import io.warmpool.Instance;
import io.warmpool.ProviderException;
import io.warmpool.spi.InstanceProvider;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A provider whose instances are names in lists; can fail or block starts on demand. */
final class FakeProvider implements InstanceProvider {
    final List<String> started = new CopyOnWriteArrayList<>();
    final List<String> stopped = new CopyOnWriteArrayList<>();
    final List<String> reset = new CopyOnWriteArrayList<>();
    final AtomicInteger failNextStarts = new AtomicInteger();
    final AtomicInteger failNextPlacements = new AtomicInteger();
    final AtomicInteger concurrentStarts = new AtomicInteger();
    final AtomicInteger maxConcurrentStarts = new AtomicInteger();
    volatile CountDownLatch startGate;
    volatile boolean resetFails;
    volatile boolean pingFails;

    @Override
    public Placement place(String region, String pool) {
        if (failNextPlacements.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new ProviderException("no agent with room (on purpose)");
        }
        return new Placement("agent-1", region + "-a");
    }

    @Override
    public Started start(Instance instance) {
        int now = concurrentStarts.incrementAndGet();
        maxConcurrentStarts.accumulateAndGet(now, Math::max);
        try {
            CountDownLatch gate = startGate;
            if (gate != null && !gate.await(5, TimeUnit.SECONDS)) {
                throw new ProviderException("gate never opened");
            }
            if (failNextStarts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new ProviderException("start failed on purpose");
            }
            started.add(instance.id());
            return new Started("ws://fake/" + instance.id(), "http://agent-1");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException("interrupted");
        } finally {
            concurrentStarts.decrementAndGet();
        }
    }

    @Override
    public void stop(Instance instance) {
        stopped.add(instance.id());
    }

    @Override
    public boolean reset(Instance instance) {
        reset.add(instance.id());
        return !resetFails;
    }

    @Override
    public boolean ping(Instance instance) {
        return !pingFails;
    }

    @Override
    public void close() {
    }
}
