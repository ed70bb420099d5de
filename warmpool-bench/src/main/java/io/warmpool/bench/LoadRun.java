package io.warmpool.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A closed-loop load: {@code concurrency} callers each run the operation back to back until {@code maxOps}
 * operations were started or {@code maxTime} passed, whichever comes first; every successful operation's
 * latency (from its start to the moment it had its result, which excludes any cleanup after that) is kept.
 * Failures are counted (the first one kept for the report) and never retried.
 */
final class LoadRun {

    /** One timed operation. */
    @FunctionalInterface
    interface Operation {
        /** @return {@link System#nanoTime()} when the result was in hand (cleanup may follow) */
        long run() throws Exception;
    }

    /**
     * @param latencies  nanoseconds of each successful operation
     * @param elapsedNanos from the start of the first operation to the end of the last one
     */
    record Result(long[] latencies, int errors, String firstError, long elapsedNanos) {
        Percentiles percentiles() {
            return Percentiles.of(latencies);
        }

        /** Successful operations per second, cleanup included (it occupies the caller). */
        double throughput() {
            return latencies.length / (elapsedNanos / 1e9);
        }
    }

    private LoadRun() {
    }

    static Result run(int concurrency, int maxOps, Duration maxTime, Operation op) throws InterruptedException {
        AtomicInteger started = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        List<List<Long>> perCaller = new ArrayList<>();
        long begin = System.nanoTime();
        long deadline = begin + maxTime.toNanos();
        try (ExecutorService callers = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().name("load-", 0).factory())) {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < concurrency; c++) {
                List<Long> mine = new ArrayList<>();
                perCaller.add(mine);
                done.add(callers.submit(() -> {
                    while (System.nanoTime() < deadline && started.incrementAndGet() <= maxOps) {
                        long t0 = System.nanoTime();
                        try {
                            long resultAt = op.run();
                            mine.add(resultAt - t0);
                        } catch (Exception e) {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, e.toString());
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
        }
        long elapsed = System.nanoTime() - begin;
        long[] all = perCaller.stream().flatMap(List::stream).mapToLong(Long::longValue).toArray();
        return new Result(all, errors.get(), firstError.get(), elapsed);
    }
}
