package io.warmpool.bench.lab;

import io.warmpool.Instance;
import io.warmpool.PoolCounts;
import io.warmpool.core.PoolSettings;
import io.warmpool.server.Gateway;
import io.warmpool.server.config.GatewayConfig;
import io.warmpool.server.config.HeartbeatSettings;
import io.warmpool.server.config.RegionConfig;
import io.warmpool.server.config.RoutingSettings;
import io.warmpool.server.local.AgentClient;
import io.warmpool.server.local.LocalAgentProvider;
import io.warmpool.server.local.PoolBrowsers;
import io.warmpool.store.jdbc.SqliteInstanceStore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * One in-process gateway of the lab, in its home {@link Place}: SQLite shards and local agents as {@code Main.start}
 * wires them, every region's provider wrapped in a {@link RelayedProvider}, and a {@link Relay} in front of its HTTP
 * port for callers of the same place. {@link #close()} stops the relays, the gateway, its agents and browsers.
 */
final class LabGateway implements AutoCloseable {
    /** Decides the place of a new instance of a region. */
    interface Placer extends BiFunction<RegionConfig, Instance, Place> {
    }

    private final Place home;
    private final Gateway gateway;
    private final AgentClient agentClient;
    private final Map<String, RelayedProvider> providers;
    private final Relay callers;

    private LabGateway(Place home, Gateway gateway, AgentClient agentClient, Map<String, RelayedProvider> providers) {
        this.home = home;
        this.gateway = gateway;
        this.agentClient = agentClient;
        this.providers = providers;
        this.callers = new Relay("127.0.0.1", gateway.port(), Place.INSIDE);
    }

    static LabGateway start(Place home, Path dataDir, Path chromium, List<RegionConfig> regions,
                            List<PoolSettings> pools, HeartbeatSettings heartbeat, RoutingSettings routing,
                            Placer placer) {
        Map<String, RegionConfig> byName = new LinkedHashMap<>();
        regions.forEach(r -> byName.put(r.name(), r));
        Map<String, PoolSettings> poolsByName = new LinkedHashMap<>();
        pools.forEach(p -> poolsByName.put(p.name(), p));
        GatewayConfig config = GatewayConfig.demo(dataDir, chromium, 0).withRegions(byName, home.region())
                .withPools(poolsByName).withHeartbeat(heartbeat).withRouting(routing);
        String agentSecret = Internals.agentSecret(dataDir);
        AgentClient agentClient = new AgentClient();
        agentClient.authenticateWith(agentSecret);
        Map<String, RelayedProvider> providers = new ConcurrentHashMap<>();
        try {
            Gateway gateway = Gateway.start(config,
                    region -> SqliteInstanceStore.open(dataDir.resolve(region.name() + ".db")),
                    (region, onAgentLost, url) -> {
                        LocalAgentProvider local = new LocalAgentProvider(new LocalAgentProvider.Settings(region.name(),
                                region.zones().get(0), chromium, dataDir.resolve("agents"), url,
                                heartbeat.interval(), LocalAgentProvider.Settings.currentJava(),
                                System.getProperty("java.class.path"), agentSecret, List.of(),
                                PoolBrowsers.choose(config.pools().values())), agentClient, onAgentLost);
                        RelayedProvider relayed = new RelayedProvider(home, local, i -> placer.apply(region, i));
                        providers.put(region.name(), relayed);
                        return relayed;
                    });
            return new LabGateway(home, gateway, agentClient, providers);
        } catch (RuntimeException e) {
            agentClient.close();
            throw e;
        }
    }

    Place home() {
        return home;
    }

    /** The gateway's base URL as its own place's callers reach it (through the 2 ms relay). */
    String callerUrl() {
        return "http://" + callers.hostPort();
    }

    Path shard(String region) {
        return gateway.config().dataDir().resolve(region + ".db");
    }

    PoolCounts counts(String region, String pool) {
        return gateway.regions().get(region).pool(pool).counts();
    }

    /** Where instance {@code id} of {@code region} was placed. */
    Optional<Place> placeOf(String region, String id) {
        return providers.get(region).placeOf(id);
    }

    /** The pid of the region's running agent, if one runs. */
    Optional<Long> agentPid(String region) {
        LocalAgentProvider local = (LocalAgentProvider) providers.get(region).inner();
        LocalAgentProvider.AgentProcessView view = local.currentView();
        return view == null ? Optional.empty() : Optional.of(view.pid());
    }

    Gateway gateway() {
        return gateway;
    }

    /** Waits (bounded) until {@code pool} in {@code region} has at least {@code warm} warm and none starting. */
    void awaitWarm(String region, String pool, int warm, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            PoolCounts c = counts(region, pool);
            if (c.warm() >= warm && c.starting() == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(pool + "/" + region + " not warm after " + timeout.toSeconds()
                        + " s: " + c);
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        try {
            callers.close();
            gateway.close();
        } finally {
            agentClient.close();
        }
    }
}
