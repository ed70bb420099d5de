package io.warmpool.server;

import io.javalin.Javalin;
import io.warmpool.core.Allocator;
import io.warmpool.core.PoolSettings;
import io.warmpool.core.RegionHealth;
import io.warmpool.core.RegionShard;
import io.warmpool.core.ShardSettings;
import io.warmpool.server.config.GatewayConfig;
import io.warmpool.server.config.HeartbeatSettings;
import io.warmpool.server.config.RegionConfig;
import io.warmpool.server.http.GatewayHttp;
import io.warmpool.server.metrics.CachedCounts;
import io.warmpool.server.metrics.GatewayMetrics;
import io.warmpool.spi.InstanceProvider;
import io.warmpool.spi.InstanceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A running gateway: every configured region as a {@link RegionShard} (store, heartbeat pipeline, provider, pools and
 * housekeeping on the region's own thread), the allocator across them, and the HTTP API. {@link #close()} stops everything it started, agents and
 * browsers included. Thread-safe.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    /** Opens a region's store shard. */
    @FunctionalInterface
    public interface StoreFactory {
        InstanceStore open(RegionConfig region);
    }

    /** Creates a region's provider; {@code onAgentLost} is told when an agent dies with its instances. */
    @FunctionalInterface
    public interface ProviderFactory {
        InstanceProvider create(RegionConfig region, Consumer<String> onAgentLost, Supplier<String> gatewayUrl);

        /**
         * Like {@link #create(RegionConfig, Consumer, Supplier)}, with the region's store shard (which providers may
         * share state through, as the remote provider shares agent registrations); the default ignores it.
         */
        default InstanceProvider create(RegionConfig region, InstanceStore store, Consumer<String> onAgentLost,
                                        Supplier<String> gatewayUrl) {
            return create(region, onAgentLost, gatewayUrl);
        }
    }

    private final GatewayConfig config;
    private final Map<String, RegionRuntime> regions;
    private final Allocator allocator;
    private final ExecutorService tasks;
    private final Javalin http;
    private final GatewayMetrics metrics;

    private Gateway(GatewayConfig config, Map<String, RegionRuntime> regions, Allocator allocator, ExecutorService tasks,
                    Javalin http, GatewayMetrics metrics) {
        this.metrics = metrics;
        this.config = config;
        this.regions = regions;
        this.allocator = allocator;
        this.tasks = tasks;
        this.http = http;
    }

    public static Gateway start(GatewayConfig config, StoreFactory stores, ProviderFactory providers) {
        return start(config, stores, providers, InstantSource.system(), System::nanoTime);
    }

    /** Like {@link #start(GatewayConfig, StoreFactory, ProviderFactory)} with the clock and nanosecond ticker given. */
    public static Gateway start(GatewayConfig config, StoreFactory stores, ProviderFactory providers,
                                InstantSource clock, java.util.function.LongSupplier ticker) {
        ExecutorService tasks = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("pool-task-", 0).factory());
        AtomicReference<String> url = new AtomicReference<>();
        Map<String, RegionRuntime> regions = new LinkedHashMap<>();
        List<AutoCloseable> opened = new ArrayList<>();
        GatewayMetrics metrics = new GatewayMetrics(clock);
        opened.add(metrics);
        try {
            for (RegionConfig rc : config.regions().values()) {
                RegionRuntime runtime = region(config, rc, stores, providers, clock, ticker, tasks, url::get, regions,
                        metrics);
                opened.add(runtime);
                regions.put(rc.name(), runtime);
                metrics.watchHeartbeatLag(rc.name(), runtime::heartbeatLag);
                runtime.pools().values().forEach(p -> metrics.watch(p, new CachedCounts(p::counts, ticker)));
            }
            Allocator allocator = allocator(config, regions, clock, metrics);
            byte[] secret = GatewaySecret.tokenSecret(config);
            GatewayHttp api = new GatewayHttp(config, regions, allocator, clock, secret, GatewaySecret.agentSecret(config),
                    metrics);
            Javalin http = api.start();
            url.set("http://127.0.0.1:" + http.port());
            for (RegionRuntime r : regions.values()) {
                r.shard().start();
            }
            api.resumeCrawls();
            log.info("gateway listening on http://{}:{} with regions {}", config.bind(), http.port(), regions.keySet());
            return new Gateway(config, regions, allocator, tasks, http, metrics);
        } catch (RuntimeException e) {
            for (AutoCloseable c : opened) {
                closeQuietly(c);
            }
            tasks.shutdownNow();
            throw e;
        }
    }

    private static RegionRuntime region(GatewayConfig config, RegionConfig rc, StoreFactory stores,
                                        ProviderFactory providers, InstantSource clock,
                                        java.util.function.LongSupplier ticker, ExecutorService tasks,
                                        Supplier<String> url, Map<String, RegionRuntime> all,
                                        GatewayMetrics metrics) {
        InstanceStore store = stores.open(rc);
        try {
            InstanceProvider provider = providers.create(rc, store, agentId -> {
                RegionRuntime r = all.get(rc.name());
                if (r != null) {
                    r.shard().agentLost(agentId);
                }
            }, url);
            HeartbeatSettings hb = config.heartbeat();
            ShardSettings settings = new ShardSettings(hb.queueCapacity(), hb.batchSize(), hb.flushAfter(),
                    hb.retries(), config.housekeepingInterval(), refreshAfter(config));
            RegionShard shard = new RegionShard(rc.name(), store, provider, config.pools().values(), settings, clock,
                    ticker, tasks, metrics);
            if (provider instanceof io.warmpool.server.process.PoolRoutingProvider routing) {
                routing.reportTo(shard::offer); // process instances report here, not over HTTP as agents do
            }
            if (!config.store().postgres()) {
                // an embedded shard is this process's alone (the data directory is locked): lead at once, and what
                // an earlier run left live died with its agents. A shared shard's other rows belong to other
                // gateways: the leader's staleness sweep finds the dead ones.
                shard.leader().seize();
                shard.loseOrphans();
            }
            return new RegionRuntime(rc, shard);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * How old a stored heartbeat may get before an "alive" report rewrites it: the shortest {@code staleAfter} of
     * the pools, less one report interval, one flush and one second of margin, so that an instance whose agent keeps
     * reporting is never stale; zero (write every report) when that leaves nothing.
     */
    static Duration refreshAfter(GatewayConfig config) {
        HeartbeatSettings hb = config.heartbeat();
        Duration stale = config.pools().values().stream().map(PoolSettings::staleAfter).min(Duration::compareTo)
                .orElse(Duration.ZERO);
        Duration left = stale.minus(hb.interval()).minus(hb.flushAfter()).minusSeconds(1);
        return left.isNegative() ? Duration.ZERO : left;
    }

    private static Allocator allocator(GatewayConfig config, Map<String, RegionRuntime> regions, InstantSource clock,
                                       GatewayMetrics metrics) {
        Map<String, Allocator.Region> view = new LinkedHashMap<>();
        for (RegionRuntime r : regions.values()) {
            // stale when any live gateway's queue is behind, not only this one's
            RegionHealth health = new RegionHealth(r.name(), r.shard()::clusterLag, config.routing().staleAfter(),
                    config.routing().holdFor(), clock);
            view.put(r.name(), new Allocator.Region(r.name(), r.config().backups(), r.pools(), health,
                    r.shard()::findSession));
        }
        return new Allocator(view, metrics, System::nanoTime);
    }

    public Allocator allocator() {
        return allocator;
    }

    public int port() {
        return http.port();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public Map<String, RegionRuntime> regions() {
        return regions;
    }

    public GatewayConfig config() {
        return config;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        log.info("gateway stopping");
        http.stop();
        for (RegionRuntime r : regions.values()) {
            closeQuietly(r);
        }
        tasks.shutdownNow();
        metrics.close();
        log.info("gateway stopped");
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.warn("while stopping: {}", e.toString());
        }
    }
}
