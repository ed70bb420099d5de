package io.warmpool.server.config;

import io.warmpool.ConfigException;
import io.warmpool.core.PoolSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a gateway needs to run. Immutable; validated once, on construction, naming the field and value.
 *
 * @param bind                 address the HTTP server binds to
 * @param port                 HTTP port (0 = any free port)
 * @param dataDir              where each region's SQLite shard and the browsers' profiles live
 * @param chromium             the Chromium executable the local agents start
 * @param defaultRegion        region for callers that name no location
 * @param housekeepingInterval delay between two housekeeping runs of each pool
 * @param maxBodyBytes         largest request body accepted (413 beyond)
 * @param routing              unknown locations, and when a region's state is too stale to allocate from
 * @param auth                 tenants and their keys and limits, or none (loopback only)
 * @param egressAllow          CIDRs or host names pages may reach although they are loopback/private/link-local
 * @param store                where the region shards live: SQLite files in the data dir, or PostgreSQL schemas
 * @param ai                   the model behind the {@code json} quick action, or {@link AiSettings#NONE}
 * @param proxy                the CDP WebSocket proxy's queue bounds and keepalive pings
 * @param processPools         the pools whose instances are local processes of a template, by pool name (the
 *                             others run browsers)
 */
public record GatewayConfig(String bind, int port, Path dataDir, Path chromium, String defaultRegion,
                            Map<String, RegionConfig> regions, LocationMap locations, Map<String, PoolSettings> pools,
                            HeartbeatSettings heartbeat, Duration housekeepingInterval, long maxBodyBytes,
                            RoutingSettings routing, AuthSettings auth, List<String> egressAllow,
                            StoreSettings store, AiSettings ai, ProxySettings proxy, Path clusterSecretFile,
                            Map<String, ProcessPool> processPools) {

    public GatewayConfig {
        regions = Map.copyOf(regions);
        pools = Map.copyOf(pools);
        processPools = Map.copyOf(processPools);
        ProcessPool.check(pools, processPools, regions);
        egressAllow = List.copyOf(egressAllow);
        for (String a : egressAllow) {
            if (!a.matches("[A-Za-z0-9.:\\-]+(/[0-9]{1,3})?")) {
                throw new ConfigException("egress.allow entries must be CIDRs or host names (got '" + a + "')");
            }
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException("port must be between 0 and 65535 (port=" + port + ")");
        }
        if (regions.isEmpty()) {
            throw new ConfigException("regions must name at least one region");
        }
        if (pools.isEmpty()) {
            throw new ConfigException("pools must name at least one pool");
        }
        if (!regions.containsKey(defaultRegion)) {
            throw new ConfigException("defaultRegion must be one of " + regions.keySet() + " (defaultRegion=" + defaultRegion + ")");
        }
        for (RegionConfig r : regions.values()) {
            if (!r.name().matches("[a-z][a-z0-9-]{0,30}")) {
                throw new ConfigException("region names must match [a-z][a-z0-9-]{0,30} (region=" + r.name() + ")");
            }
            for (String b : r.backups()) {
                if (b.equals(r.name())) {
                    throw new ConfigException("regions." + r.name() + ".backups must not name the region itself (backups="
                            + r.backups() + ")");
                }
                if (!regions.containsKey(b)) {
                    throw new ConfigException("regions." + r.name() + ".backups names unknown region '" + b + "' (backups="
                            + r.backups() + ")");
                }
            }
            if (r.backups().stream().distinct().count() != r.backups().size()) {
                throw new ConfigException("regions." + r.name() + ".backups has a duplicate (backups=" + r.backups() + ")");
            }
            if (r.zones().isEmpty()) {
                throw new ConfigException("regions." + r.name() + ".zones must name at least one zone");
            }
        }
        if (housekeepingInterval == null || housekeepingInterval.isNegative() || housekeepingInterval.isZero()) {
            throw new ConfigException("housekeepingInterval must be a positive duration (housekeepingInterval="
                    + housekeepingInterval + ")");
        }
        if (ai == null) {
            throw new ConfigException("ai must be given");
        }
        if (proxy == null) {
            throw new ConfigException("proxy must be given");
        }
        if (store == null) {
            throw new ConfigException("store must be given");
        }
        if (auth == null) {
            throw new ConfigException("auth must be given");
        }
        if (auth.none() && !isLoopback(bind)) {
            throw new ConfigException("refusing to serve " + bind + " without API keys: auth 'none' is only allowed on "
                    + "a loopback address; add auth.tenants with keys, or bind 127.0.0.1");
        }
        if (routing == null) {
            throw new ConfigException("routing must be given");
        }
        if (maxBodyBytes < 1024) {
            throw new ConfigException("maxBodyBytes must be >= 1024 (maxBodyBytes=" + maxBodyBytes + ")");
        }
    }

    /** The demo that {@code ./warmpool up} runs: weur and enam, each other's backup, pool browser with minIdle 2. */
    public static GatewayConfig demo(Path dataDir, Path chromium, int port) {
        Map<String, RegionConfig> regions = new LinkedHashMap<>();
        regions.put("weur", new RegionConfig("weur", List.of("enam"), List.of("weur-a")));
        regions.put("enam", new RegionConfig("enam", List.of("weur"), List.of("enam-a")));
        PoolSettings browser = PoolSettings.builder("browser").minIdle(2).maxSize(6).build();
        return new GatewayConfig("127.0.0.1", port, dataDir, chromium, "weur", regions, LocationMap.withOverrides(Map.of()),
                Map.of("browser", browser), HeartbeatSettings.DEFAULT, Duration.ofSeconds(1), 1_048_576,
                RoutingSettings.DEFAULT, AuthSettings.NONE, List.of(), StoreSettings.SQLITE, AiSettings.NONE,
                ProxySettings.DEFAULT, null, Map.of());
    }

    public GatewayConfig withPort(int newPort) {
        return new GatewayConfig(bind, newPort, dataDir, chromium, defaultRegion, regions, locations, pools, heartbeat,
                housekeepingInterval, maxBodyBytes, routing, auth, egressAllow, store, ai, proxy, clusterSecretFile, processPools);
    }

    public GatewayConfig withPools(Map<String, PoolSettings> newPools) {
        return withPools(newPools, processPools);
    }

    /** @param newProcessPools the process template of each pool of {@code newPools} that runs processes */
    public GatewayConfig withPools(Map<String, PoolSettings> newPools, Map<String, ProcessPool> newProcessPools) {
        return new GatewayConfig(bind, port, dataDir, chromium, defaultRegion, regions, locations, newPools, heartbeat,
                housekeepingInterval, maxBodyBytes, routing, auth, egressAllow, store, ai, proxy, clusterSecretFile,
                newProcessPools);
    }

    public GatewayConfig withRouting(RoutingSettings newRouting) {
        return new GatewayConfig(bind, port, dataDir, chromium, defaultRegion, regions, locations, pools, heartbeat,
                housekeepingInterval, maxBodyBytes, newRouting, auth, egressAllow, store, ai, proxy, clusterSecretFile, processPools);
    }

    public GatewayConfig withRegions(Map<String, RegionConfig> newRegions, String newDefault) {
        return new GatewayConfig(bind, port, dataDir, chromium, newDefault, newRegions, locations, pools, heartbeat,
                housekeepingInterval, maxBodyBytes, routing, auth, egressAllow, store, ai, proxy, clusterSecretFile, processPools);
    }

    public GatewayConfig withEgressAllow(List<String> allow) {
        return new GatewayConfig(bind, port, dataDir, chromium, defaultRegion, regions, locations, pools, heartbeat,
                housekeepingInterval, maxBodyBytes, routing, auth, allow, store, ai, proxy, clusterSecretFile, processPools);
    }

    public GatewayConfig withStore(StoreSettings newStore) {
        return new GatewayConfig(bind, port, dataDir, chromium, defaultRegion, regions, locations, pools, heartbeat,
                housekeepingInterval, maxBodyBytes, routing, auth, egressAllow, newStore, ai, proxy, clusterSecretFile, processPools);
    }

    public GatewayConfig withAuth(AuthSettings newAuth, String newBind) {
        return new GatewayConfig(newBind, port, dataDir, chromium, defaultRegion, regions, locations, pools, heartbeat,
                housekeepingInterval, maxBodyBytes, routing, newAuth, egressAllow, store, ai, proxy, clusterSecretFile, processPools);
    }

    public GatewayConfig withAi(AiSettings newAi) {
        return new GatewayConfig(bind, port, dataDir, chromium, defaultRegion, regions, locations, pools, heartbeat,
                housekeepingInterval, maxBodyBytes, routing, auth, egressAllow, store, newAi, proxy, clusterSecretFile, processPools);
    }

    static boolean isLoopback(String address) {
        try {
            return java.net.InetAddress.getByName(address).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            throw new ConfigException("bind is not an address: " + address);
        }
    }

    public GatewayConfig withHeartbeat(HeartbeatSettings newHeartbeat) {
        return new GatewayConfig(bind, port, dataDir, chromium, defaultRegion, regions, locations, pools, newHeartbeat,
                housekeepingInterval, maxBodyBytes, routing, auth, egressAllow, store, ai, proxy, clusterSecretFile, processPools);
    }

    public GatewayConfig withProxy(ProxySettings newProxy) {
        return new GatewayConfig(bind, port, dataDir, chromium, defaultRegion, regions, locations, pools, heartbeat,
                housekeepingInterval, maxBodyBytes, routing, auth, egressAllow, store, ai, newProxy, clusterSecretFile, processPools);
    }

    /** @param file the cluster secret gateways and agents share ({@code cluster.secretFile}); null for none */
    public GatewayConfig withClusterSecretFile(Path file) {
        return new GatewayConfig(bind, port, dataDir, chromium, defaultRegion, regions, locations, pools, heartbeat,
                housekeepingInterval, maxBodyBytes, routing, auth, egressAllow, store, ai, proxy, file, processPools);
    }

    /** True when some region's instances run on agents that register themselves ({@code "agents": "remote"}). */
    public boolean hasRemoteRegions() {
        return regions.values().stream().anyMatch(r -> !r.agents().equals(RegionConfig.LOCAL));
    }
}
