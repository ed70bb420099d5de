package io.warmpool.server;

import io.javalin.Javalin;
import io.warmpool.core.Allocator;
import io.warmpool.core.BoundedHeartbeatQueue;
import io.warmpool.core.RegionHealth;
import io.warmpool.core.HeartbeatBatchWriter;
import io.warmpool.core.PoolSettings;
import io.warmpool.core.RegionPool;
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

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A running gateway: every configured region with its store shard, heartbeat pipeline, provider and pools, the
 * housekeepers on a fixed delay, and the HTTP API. {@link #close()} stops everything it started, agents and
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
    }

    private final GatewayConfig config;
    private final Map<String, RegionRuntime> regions;
    private final Allocator allocator;
    private final ExecutorService tasks;
    private final ScheduledExecutorService housekeeping;
    private final Javalin http;
    private final GatewayMetrics metrics;

    private Gateway(GatewayConfig config, Map<String, RegionRuntime> regions, Allocator allocator, ExecutorService tasks,
                    ScheduledExecutorService housekeeping, Javalin http, GatewayMetrics metrics) {
        this.metrics = metrics;
        this.config = config;
        this.regions = regions;
        this.allocator = allocator;
        this.tasks = tasks;
        this.housekeeping = housekeeping;
        this.http = http;
    }

    public static Gateway start(GatewayConfig config, StoreFactory stores, ProviderFactory providers) {
        InstantSource clock = InstantSource.system();
        ExecutorService tasks = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("pool-task-", 0).factory());
        AtomicReference<String> url = new AtomicReference<>();
        Map<String, RegionRuntime> regions = new LinkedHashMap<>();
        List<AutoCloseable> opened = new ArrayList<>();
        GatewayMetrics metrics = new GatewayMetrics();
        opened.add(metrics);
        try {
            for (RegionConfig rc : config.regions().values()) {
                RegionRuntime runtime = region(config, rc, stores, providers, clock, tasks, url::get, regions, metrics);
                opened.add(runtime);
                regions.put(rc.name(), runtime);
                metrics.watchHeartbeatLag(rc.name(), runtime::heartbeatLag);
                runtime.pools().values().forEach(p -> metrics.watch(p, new CachedCounts(p::counts, System::nanoTime)));
            }
            Allocator allocator = allocator(config, regions, clock, metrics);
            byte[] secret = GatewaySecret.loadOrCreate(config.dataDir());
            GatewayHttp api = new GatewayHttp(config, regions, allocator, clock, secret, GatewaySecret.agentSecret(secret),
                    metrics);
            Javalin http = api.start();
            url.set("http://127.0.0.1:" + http.port());
            ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("housekeeper").factory());
            long every = config.housekeepingInterval().toMillis();
            for (RegionRuntime r : regions.values()) {
                for (RegionPool p : r.pools().values()) {
                    housekeeping.scheduleWithFixedDelay(() -> p.housekeeper().runOnce(), 0, every, TimeUnit.MILLISECONDS);
                }
            }
            log.info("gateway listening on http://{}:{} with regions {}", config.bind(), http.port(), regions.keySet());
            return new Gateway(config, regions, allocator, tasks, housekeeping, http, metrics);
        } catch (RuntimeException e) {
            for (AutoCloseable c : opened) {
                closeQuietly(c);
            }
            tasks.shutdownNow();
            throw e;
        }
    }

    private static RegionRuntime region(GatewayConfig config, RegionConfig rc, StoreFactory stores,
                                        ProviderFactory providers, InstantSource clock, ExecutorService tasks,
                                        Supplier<String> url, Map<String, RegionRuntime> all,
                                        GatewayMetrics metrics) {
        InstanceStore store = stores.open(rc);
        try {
            int orphaned = 0;
            for (PoolSettings ps : config.pools().values()) {
                // instances recorded by an earlier gateway run lost their agents with it
                orphaned += store.markLost(ps.name(), Instant.now().plusSeconds(3600)).size();
            }
            if (orphaned > 0) {
                log.warn("{} - {} instances from an earlier run are LOST and will be cleaned up", rc.name(), orphaned);
            }
            HeartbeatSettings hb = config.heartbeat();
            BoundedHeartbeatQueue queue = new BoundedHeartbeatQueue(hb.queueCapacity(), System::nanoTime);
            HeartbeatBatchWriter writer = new HeartbeatBatchWriter(rc.name(), queue, store, hb.batchSize(),
                    hb.flushAfter(), hb.retries(), metrics, System::nanoTime);
            InstanceProvider provider = providers.create(rc, agentId -> {
                RegionRuntime r = all.get(rc.name());
                if (r != null) {
                    r.agentLost(agentId);
                }
            }, url);
            Map<String, RegionPool> pools = new LinkedHashMap<>();
            for (PoolSettings ps : config.pools().values()) {
                pools.put(ps.name(), new RegionPool(rc.name(), ps, store, provider, clock, System::nanoTime, tasks,
                        metrics));
            }
            return new RegionRuntime(rc, store, queue, writer, provider, pools, clock);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static Allocator allocator(GatewayConfig config, Map<String, RegionRuntime> regions, InstantSource clock,
                                       GatewayMetrics metrics) {
        Map<String, Allocator.Region> view = new LinkedHashMap<>();
        for (RegionRuntime r : regions.values()) {
            RegionHealth health = new RegionHealth(r.name(), r::heartbeatLag, config.routing().staleAfter(),
                    config.routing().holdFor(), clock);
            view.put(r.name(), new Allocator.Region(r.name(), r.config().backups(), r.pools(), health));
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
        housekeeping.shutdownNow();
        try {
            housekeeping.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
