package io.warmpool.core;

import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.spi.InstanceProvider;
import io.warmpool.spi.InstanceStore;
import io.warmpool.spi.PoolMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Starts instances of one pool in one region: at most {@code startParallelism} at once, each recorded as STARTING
 * before the provider is asked, flipped to WARM when ready. After a failed start, further starts wait an
 * exponential back-off (250 ms doubling up to {@code startBackoffMax}); a success resets it. Thread-safe.
 */
final class InstanceStarter {
    private static final Logger log = LoggerFactory.getLogger(InstanceStarter.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    private static final double LIFETIME_JITTER = 0.025;

    private final String region;
    private final PoolSettings settings;
    private final InstanceStore store;
    private final InstanceProvider provider;
    private final InstantSource clock;
    private final Executor executor;
    private final Runnable onWarm;
    private final PoolMetrics metrics;
    private final Drains drains;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong expectedStartMillis = new AtomicLong(); // EWMA of successful starts; 0 = none yet
    private final ReentrantLock lock = new ReentrantLock();
    private Duration backoff = Duration.ZERO; // guarded by lock
    private Instant notBefore = Instant.MIN; // guarded by lock
    private long consecutiveFailures; // guarded by lock
    private String lastError; // guarded by lock
    private Instant lastFailedAt; // guarded by lock

    InstanceStarter(PoolParts parts) {
        this.region = parts.region();
        this.settings = parts.settings();
        this.store = parts.store();
        this.provider = parts.provider();
        this.clock = parts.clock();
        this.executor = parts.executor();
        this.onWarm = parts.onWarm();
        this.metrics = parts.metrics();
        this.drains = parts.drains();
    }

    /** Launches up to {@code wanted} starts, bounded by parallelism and back-off; returns how many it launched. */
    int startUpTo(int wanted) {
        int launched = 0;
        while (launched < wanted && inBackoffUntil() == null) {
            int current = inFlight.get();
            if (current >= settings.startParallelism()) {
                break;
            }
            if (!inFlight.compareAndSet(current, current + 1)) {
                continue;
            }
            Instance instance;
            try {
                instance = newInstance(); // a provider with no room throws: the slot taken above is not a start
            } catch (RuntimeException e) {
                inFlight.decrementAndGet();
                throw e;
            }
            if (!drains.allowsStartOn(instance.agentId())) {
                inFlight.decrementAndGet();
                break;
            }
            try {
                store.insert(instance);
            } catch (RuntimeException e) {
                inFlight.decrementAndGet();
                throw e;
            }
            launched++;
            executor.execute(() -> start(instance));
        }
        return launched;
    }

    private Instance newInstance() {
        Instant now = clock.instant();
        InstanceProvider.Placement placement = provider.place(region, settings.name());
        long lifetime = settings.maxLifetime().toMillis();
        long jitter = (long) (lifetime * LIFETIME_JITTER * ThreadLocalRandom.current().nextDouble());
        String id = "i-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        return Instance.starting(id, region, settings.name(), placement.zone(), placement.agentId(),
                settings.version(), now, now.plusMillis(lifetime - jitter));
    }

    private void start(Instance instance) {
        boolean holdsSlot = true;
        try {
            InstanceProvider.Started ready = provider.start(instance);
            // time to warm on the injected clock, from the moment the start was recorded
            long took = Math.max(1, Duration.between(instance.startedAt(), clock.instant()).toMillis());
            expectedStartMillis.getAndUpdate(prev -> prev == 0 ? took : (prev * 3 + took) / 4);
            // the start's work is done: free its slot before the instance shows as warm, so a round that counts it
            // warm may start the next one in its place (the row stays STARTING until then, so nothing over-starts)
            inFlight.decrementAndGet();
            holdsSlot = false;
            if (store.markWarm(instance.id(), ready.cdpUrl(), ready.agentUrl(), clock.instant())) {
                started.incrementAndGet();
                metrics.started(region, settings.name(), true, Duration.ofMillis(took));
                resetBackoff();
                log.atInfo().addKeyValue("region", region).addKeyValue("pool", settings.name())
                        .addKeyValue("instance", instance.id()).addKeyValue("agent", instance.agentId())
                        .addKeyValue("state", "WARM").log("{}/{} - {} is warm after {} ms", settings.name(), region,
                                instance.id(), took);
                onWarm.run();
            } else {
                log.info("{}/{} - {} left STARTING while it started; stopping it", settings.name(), region, instance.id());
                provider.stop(instance);
            }
        } catch (RuntimeException e) {
            failed.incrementAndGet();
            metrics.started(region, settings.name(), false,
                    Duration.between(instance.startedAt(), clock.instant()));
            Duration wait = growBackoff(e.getMessage());
            log.atWarn().addKeyValue("region", region).addKeyValue("pool", settings.name())
                    .addKeyValue("instance", instance.id()).addKeyValue("state", "GONE")
                    .log("{}/{} - start of {} failed, next start in {} ms: {}", settings.name(), region, instance.id(),
                            wait.toMillis(), e.getMessage());
            quietly(() -> provider.stop(instance));
            quietly(() -> store.transition(instance.id(), InstanceState.STARTING, InstanceState.GONE));
        } finally {
            if (holdsSlot) {
                inFlight.decrementAndGet();
            }
        }
    }

    private void quietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.debug("{}/{} - cleanup after failed start: {}", settings.name(), region, e.getMessage());
        }
    }

    /** The instant starts may resume, or null when they may go ahead now. */
    Instant inBackoffUntil() {
        lock.lock();
        try {
            return clock.instant().isBefore(notBefore) ? notBefore : null;
        } finally {
            lock.unlock();
        }
    }

    private Duration growBackoff(String error) {
        lock.lock();
        try {
            consecutiveFailures++;
            lastError = error;
            lastFailedAt = clock.instant();
            backoff = backoff.isZero() ? FIRST_BACKOFF : backoff.multipliedBy(2);
            if (backoff.compareTo(settings.startBackoffMax()) > 0) {
                backoff = settings.startBackoffMax();
            }
            notBefore = clock.instant().plus(backoff);
            return backoff;
        } finally {
            lock.unlock();
        }
    }

    private void resetBackoff() {
        lock.lock();
        try {
            backoff = Duration.ZERO;
            notBefore = Instant.MIN;
            consecutiveFailures = 0;
        } finally {
            lock.unlock();
        }
    }

    /** Failures since the last success, the last error and when starts resume. */
    StartHealth health() {
        lock.lock();
        try {
            return new StartHealth(consecutiveFailures, lastError, lastFailedAt,
                    clock.instant().isBefore(notBefore) ? notBefore : null);
        } finally {
            lock.unlock();
        }
    }

    /** A smoothed estimate of how long a start takes, in ms; 0 before the first success. */
    long expectedStartMillis() {
        return expectedStartMillis.get();
    }

    int inFlight() {
        return inFlight.get();
    }

    long started() {
        return started.get();
    }

    long failed() {
        return failed.get();
    }
}
