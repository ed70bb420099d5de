package io.warmpool.agent.internal;

import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The agent's own metrics, served at its {@code GET /metrics} and re-exposed by the gateway. Labels are bounded: per
 * pool, never per instance. Per browser figures are the pool's sum over {@code warmpool_agent_browsers}.
 * <ul>
 *   <li>{@code warmpool_agent_browsers{pool}}: live browsers</li>
 *   <li>{@code warmpool_agent_browser_cpu_seconds{pool}}: CPU time used so far by the live browsers' process trees, ended renderers included</li>
 *   <li>{@code warmpool_agent_browser_memory_bytes{pool}}: their proportional set size now</li>
 *   <li>{@code warmpool_agent_cdp_seconds{pool}}: time from a CDP command sent to its answer (histogram)</li>
 * </ul>
 * Gauges are read from the operating system at scrape time. Thread-safe.
 */
public final class AgentMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MultiGauge browsers = MultiGauge.builder("warmpool.agent.browsers")
            .description("live browsers").register(registry);
    private final MultiGauge cpu = MultiGauge.builder("warmpool.agent.browser.cpu").baseUnit("seconds")
            .description("CPU time used so far by the live browsers' process trees, ended renderers included").register(registry);
    private final MultiGauge memory = MultiGauge.builder("warmpool.agent.browser.memory").baseUnit("bytes")
            .description("proportional set size of the live browsers' process trees").register(registry);
    private final ReentrantLock scrapeLock = new ReentrantLock();
    private volatile Supplier<List<BrowserInstance>> live = List::of;

    /** Where the live browsers are listed from; set once the registry exists. */
    public void watch(Supplier<List<BrowserInstance>> liveBrowsers) {
        this.live = liveBrowsers;
    }

    /** A CDP command of a browser of {@code pool} was answered after {@code took}. */
    public void cdpAnswered(String pool, Duration took) {
        Timer.builder("warmpool.agent.cdp").description("time from a CDP command to its answer").tag("pool", pool)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry).record(took);
    }

    /** The Prometheus text format, gauges refreshed first. */
    public String scrape() {
        scrapeLock.lock();
        try {
            refresh();
            return registry.scrape();
        } finally {
            scrapeLock.unlock();
        }
    }

    private void refresh() {
        Map<String, long[]> count = new TreeMap<>();
        Map<String, ProcessUsage.Usage> usage = new TreeMap<>();
        for (BrowserInstance b : live.get()) {
            if (!b.alive()) {
                continue;
            }
            count.computeIfAbsent(b.pool(), k -> new long[1])[0]++;
            usage.merge(b.pool(), ProcessUsage.ofTree(b.pid()), ProcessUsage.Usage::plus);
        }
        List<MultiGauge.Row<?>> b = new ArrayList<>();
        List<MultiGauge.Row<?>> c = new ArrayList<>();
        List<MultiGauge.Row<?>> m = new ArrayList<>();
        count.forEach((pool, n) -> b.add(MultiGauge.Row.of(Tags.of("pool", pool), n[0])));
        usage.forEach((pool, u) -> {
            c.add(MultiGauge.Row.of(Tags.of("pool", pool), u.cpu().toNanos() / 1e9));
            m.add(MultiGauge.Row.of(Tags.of("pool", pool), u.memoryBytes()));
        });
        browsers.register(b, true);
        cpu.register(c, true);
        memory.register(m, true);
    }
}
