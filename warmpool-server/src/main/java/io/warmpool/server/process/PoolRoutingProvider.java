package io.warmpool.server.process;

import io.warmpool.HeartbeatReport;
import io.warmpool.Instance;
import io.warmpool.process.LocalProcessProvider;
import io.warmpool.process.ProcessTemplate;
import io.warmpool.spi.InstanceProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A region's provider when some pools run processes: their instances are local processes of their template
 * ({@link LocalProcessProvider}, in this gateway's process, each in a process group that dies with it), every other
 * pool's go to {@code browsers} (the local agent). The engine sees one provider, so claims, housekeeping, sizing and
 * metrics are the same for both kinds. The process instances' heartbeats are reported to the region's queue every
 * {@code heartbeatInterval} once {@link #reportTo} is called. Thread-safe.
 */
public final class PoolRoutingProvider implements InstanceProvider {
    private static final Logger log = LoggerFactory.getLogger(PoolRoutingProvider.class);

    private final String region;
    private final InstanceProvider browsers;
    private final LocalProcessProvider processes;
    private final Set<String> processPools;
    private final Duration heartbeatInterval;
    private final InstantSource clock;
    private final ScheduledExecutorService reporter;

    /**
     * @param templates where each process pool's instances come from, by pool name
     * @param dataRoot  where the processes' data directories go (one per instance, deleted when it stops)
     */
    public PoolRoutingProvider(String region, InstanceProvider browsers, Map<String, ProcessTemplate> templates,
                               Path dataRoot, Duration heartbeatInterval, InstantSource clock) {
        this.region = region;
        this.browsers = browsers;
        this.processes = new LocalProcessProvider(templates, dataRoot);
        this.processPools = Set.copyOf(templates.keySet());
        this.heartbeatInterval = heartbeatInterval;
        this.clock = clock;
        this.reporter = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("process-heartbeats-" + region).factory());
    }

    /** Starts reporting the processes' heartbeats to {@code sink} (the region's queue), every heartbeat interval. */
    public void reportTo(Consumer<HeartbeatReport> sink) {
        long every = Math.max(1, heartbeatInterval.toMillis());
        reporter.scheduleWithFixedDelay(() -> {
            try {
                processes.heartbeats(clock.instant()).forEach(sink);
            } catch (RuntimeException e) {
                log.warn("{} - process heartbeat round failed: {}", region, e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /** The provider running the process pools' instances (their pids, ports, output). */
    public LocalProcessProvider processes() {
        return processes;
    }

    /** The provider of every other pool. */
    public InstanceProvider browsers() {
        return browsers;
    }

    private InstanceProvider of(String pool) {
        return processPools.contains(pool) ? processes : browsers;
    }

    @Override
    public Placement place(String region, String pool) {
        return of(pool).place(region, pool);
    }

    @Override
    public Started start(Instance instance) {
        return of(instance.pool()).start(instance);
    }

    @Override
    public void stop(Instance instance) {
        of(instance.pool()).stop(instance);
    }

    @Override
    public boolean reset(Instance instance) {
        return of(instance.pool()).reset(instance);
    }

    @Override
    public boolean ping(Instance instance) {
        return of(instance.pool()).ping(instance);
    }

    @Override
    public boolean admits(String agentId) {
        return processes.admits(agentId) || browsers.admits(agentId);
    }

    @Override
    public void close() {
        reporter.shutdownNow();
        try {
            processes.close();
        } finally {
            browsers.close();
        }
    }
}
