package io.warmpool.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.warmpool.PoolCounts;
import io.warmpool.core.RegionPool;
import io.warmpool.core.sizing.Warmth;
import io.warmpool.spi.PoolMetrics;

import java.time.Duration;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The gateway's metrics in Micrometer with a Prometheus registry: the engine's events through {@link PoolMetrics},
 * the gateway's own (quick actions, limits, blocked egress), gauges read at scrape time, JVM and process metrics.
 * Family names and labels are part of the interface (see README); label values come from bounded sets only.
 * Thread-safe.
 */
public final class GatewayMetrics implements PoolMetrics, AutoCloseable {
    private static final Duration MIN_EXPECTED = Duration.ofMillis(1);
    private static final Duration MAX_EXPECTED = Duration.ofSeconds(120);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final EventFeed events;
    private final AcquireHistory history;

    /** @param clock stamps the dashboard's events and history steps */
    public GatewayMetrics(java.time.InstantSource clock) {
        this.events = new EventFeed(clock);
        this.history = new AcquireHistory(clock);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        gc.bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Notable events as they happen, for the dashboard. */
    public EventFeed events() {
        return events;
    }

    /** Acquires of the last minutes, for the dashboard's charts. */
    public AcquireHistory history() {
        return history;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    /** {@code warmpool_instances{region,pool,state}} and {@code warmpool_sessions_active{region,pool}} for a pool. */
    public void watch(RegionPool pool, Supplier<PoolCounts> counts) {
        String region = pool.region();
        String name = pool.settings().name();
        instances(region, name, "warm", counts, PoolCounts::warm);
        instances(region, name, "claimed", counts, PoolCounts::claimed);
        instances(region, name, "starting", counts, PoolCounts::starting);
        instances(region, name, "stopping", counts, PoolCounts::stopping);
        instances(region, name, "lost", counts, PoolCounts::lost);
        Gauge.builder("warmpool.sessions.active", counts, c -> safely(c, PoolCounts::claimed))
                .description("sessions holding an instance").tag("region", region).tag("pool", name).strongReference(true).register(registry);
        sizing(pool, "warmpool.pool.target", "warm instances the pool's sizing asks for now", w -> w.target());
        sizing(pool, "warmpool.idle.instance.seconds", "instance-seconds spent warm and unclaimed over the last hour",
                Warmth::idleInstanceSeconds);
        sizing(pool, "warmpool.warm.hit.ratio", "share of acquires served warm over the last hour (NaN before any)",
                Warmth::warmHitRate);
    }

    private void sizing(RegionPool pool, String name, String description, ToDoubleFunction<Warmth> read) {
        Gauge.builder(name, pool, p -> read.applyAsDouble(p.warmth())).description(description)
                .tag("region", pool.region()).tag("pool", pool.settings().name()).strongReference(true).register(registry);
    }

    private void instances(String region, String pool, String state, Supplier<PoolCounts> counts,
                           ToDoubleFunction<PoolCounts> read) {
        Gauge.builder("warmpool.instances", counts, c -> safely(c, read)).description("instances by state")
                .tag("region", region).tag("pool", pool).tag("state", state).strongReference(true).register(registry);
    }

    private static double safely(Supplier<PoolCounts> counts, ToDoubleFunction<PoolCounts> read) {
        try {
            return read.applyAsDouble(counts.get());
        } catch (RuntimeException e) {
            return Double.NaN; // the store is unreachable: say "unknown" rather than fail the scrape
        }
    }

    /** {@code warmpool_heartbeat_lag_seconds{region}}: age of the oldest report waiting in the region's queue. */
    public void watchHeartbeatLag(String region, Supplier<Duration> lag) {
        Gauge.builder("warmpool.heartbeat.lag", lag, l -> l.get().toNanos() / 1e9).baseUnit("seconds")
                .description("age of the oldest heartbeat waiting to be written").tag("region", region).strongReference(true)
                .register(registry);
    }

    @Override
    public void acquired(String region, String pool, AcquireOutcome outcome, Duration took) {
        timer("warmpool.acquire", "time to bind a session to an instance", "region", region, "pool", pool,
                "outcome", outcome.label()).record(took);
        history.record(outcome, took);
        if (outcome == AcquireOutcome.EXHAUSTED) {
            events.add("exhausted", region, pool, "no instance after " + took.toMillis() + " ms");
        }
    }

    @Override
    public void fallback(String region, String backup, String reason) {
        Counter.builder("warmpool.fallbacks").description("callers sent to a backup region")
                .tags("region", region, "backup", backup, "reason", reason).register(registry).increment();
        events.add("fallback", region, "", "-> " + backup + " (" + reason + ")");
    }

    @Override
    public void started(String region, String pool, boolean ok, Duration took) {
        Counter.builder("warmpool.starts").description("instance starts by result")
                .tags("region", region, "pool", pool, "result", ok ? "ok" : "failed").register(registry).increment();
        if (!ok) {
            events.add("start_failed", region, pool, "a start failed after " + took.toMillis() + " ms");
        } else {
            timer("warmpool.start", "time from start to warm", "region", region, "pool", pool).record(took);
        }
    }

    @Override
    public void lost(String region, String pool, int count) {
        events.add("lost", region, pool, count + (count == 1 ? " instance" : " instances") + " LOST and replaced");
    }

    @Override
    public void heartbeatBatch(String region, Duration took) {
        timer("warmpool.heartbeat.batch", "time to write one heartbeat batch", "region", region).record(took);
    }

    /** A quick action ended with HTTP {@code status} after {@code took}. */
    public void quickAction(String action, int status, Duration took) {
        timer("warmpool.quick.action", "quick actions end to end", "action", action, "status",
                Integer.toString(status)).record(took);
        if (status >= 500) {
            events.add("quick_failed", "", "", action + " answered " + status + " after " + took.toMillis() + " ms");
        }
    }

    /** A caller went over {@code limit} (a limit's name, such as {@code quickPerSecond}). */
    public void rateLimited(String limit) {
        Counter.builder("warmpool.rate.limited").description("requests refused by a tenant limit").tag("limit", limit)
                .register(registry).increment();
        events.add("limit", "", "", "a caller went over " + limit);
    }

    /** Requests of a page or a client refused by the egress guard, by {@code reason}. */
    public void egressBlocked(String reason, long count) {
        Counter.builder("warmpool.egress.blocked").description("requests refused by the egress guard")
                .tag("reason", reason).register(registry).increment(count);
        events.add("egress_blocked", "", "", count + " blocked (" + reason + ")");
    }

    private Timer timer(String name, String description, String... tags) {
        return Timer.builder(name).description(description).tags(tags).publishPercentileHistogram()
                .minimumExpectedValue(MIN_EXPECTED).maximumExpectedValue(MAX_EXPECTED).register(registry);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
