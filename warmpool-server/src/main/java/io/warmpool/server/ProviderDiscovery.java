package io.warmpool.server;

import io.warmpool.ConfigException;
import io.warmpool.server.config.GatewayConfig;
import io.warmpool.server.config.RegionConfig;
import io.warmpool.server.local.AgentClient;
import io.warmpool.server.local.LocalAgentProviderFactory;
import io.warmpool.server.local.PoolBrowsers;
import io.warmpool.server.process.PoolRoutingProvider;
import io.warmpool.spi.InstanceProvider;
import io.warmpool.spi.InstanceProviderFactory;
import io.warmpool.spi.InstanceStore;
import io.warmpool.spi.ProviderContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The provider factories on the class path, found through {@link ServiceLoader} as stores are
 * ({@link StoreDiscovery}), and the one a gateway runs: {@code local} (agents on this host). The gateway hands it the
 * settings it knows and its agent client; it never names a provider class. Stateless.
 */
final class ProviderDiscovery {

    private ProviderDiscovery() {
    }

    /** Every factory on the class path, by name. */
    static Map<String, InstanceProviderFactory> all() {
        Map<String, InstanceProviderFactory> out = new TreeMap<>();
        for (InstanceProviderFactory f : ServiceLoader.load(InstanceProviderFactory.class)) {
            out.putIfAbsent(f.name(), f);
        }
        return out;
    }

    /**
     * The provider named {@code name} (or, for a region whose {@code agents} is not {@code local}, the one it names),
     * creating one per region with the gateway's settings and agent client.
     */
    static Gateway.ProviderFactory configured(String name, GatewayConfig config, AgentClient agentClient,
                                              String agentSecret) {
        Map<String, InstanceProviderFactory> found = all();
        List<String> wantedNames = new ArrayList<>(List.of(name));
        if (config != null) {
            config.regions().values().forEach(r -> wantedNames.add(providerName(name, r)));
        }
        for (String wanted : wantedNames) {
            if (!found.containsKey(wanted)) {
                throw new ConfigException("provider '" + wanted + "' is not on the class path (found " + found.keySet()
                        + ")");
            }
        }
        Map<String, String> settings = LocalAgentProviderFactory.settings(config.chromium(),
                config.dataDir().resolve("agents"), config.heartbeat().interval(), agentSecret, config.egressAllow(),
                PoolBrowsers.choose(config.pools().values()));
        Gateway.ProviderFactory agents = new Gateway.ProviderFactory() {
            @Override
            public InstanceProvider create(RegionConfig region, Consumer<String> onAgentLost, Supplier<String> url) {
                return make(region, onAgentLost, url, Map.of(AgentClient.class, agentClient));
            }

            @Override
            public InstanceProvider create(RegionConfig region, InstanceStore store, Consumer<String> onAgentLost,
                                           Supplier<String> url) {
                // the remote provider shares agent registrations through the region's store
                return make(region, onAgentLost, url, Map.of(AgentClient.class, agentClient, InstanceStore.class, store));
            }

            private InstanceProvider make(RegionConfig region, Consumer<String> onAgentLost, Supplier<String> url,
                                          Map<Class<?>, Object> services) {
                return found.get(providerName(name, region)).create(new ProviderContext(region.name(), region.zones(),
                        settings, onAgentLost, url, services));
            }
        };
        return config.processPools().isEmpty() ? agents : withProcesses(config, agents);
    }

    /** Process pools run in this gateway ({@link PoolRoutingProvider}); the other pools on the agents. */
    private static Gateway.ProviderFactory withProcesses(GatewayConfig config, Gateway.ProviderFactory agents) {
        Map<String, io.warmpool.process.ProcessTemplate> templates = new java.util.LinkedHashMap<>();
        config.processPools().forEach((pool, p) -> templates.put(pool, p.template()));
        return new Gateway.ProviderFactory() {
            @Override
            public InstanceProvider create(RegionConfig region, Consumer<String> onAgentLost, Supplier<String> url) {
                return routing(region, agents.create(region, onAgentLost, url));
            }

            @Override
            public InstanceProvider create(RegionConfig region, InstanceStore store, Consumer<String> onAgentLost,
                                           Supplier<String> url) {
                return routing(region, agents.create(region, store, onAgentLost, url));
            }

            private InstanceProvider routing(RegionConfig region, InstanceProvider onAgents) {
                return new PoolRoutingProvider(region.name(), onAgents, templates,
                        config.dataDir().resolve("processes").resolve(region.name()), config.heartbeat().interval(),
                        java.time.InstantSource.system());
            }
        };
    }

    private static String providerName(String name, io.warmpool.server.config.RegionConfig region) {
        return region.agents().equals(io.warmpool.server.config.RegionConfig.LOCAL) ? name : region.agents();
    }
}
