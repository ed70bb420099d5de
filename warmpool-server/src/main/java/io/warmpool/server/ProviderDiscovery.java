package io.warmpool.server;

import io.warmpool.ConfigException;
import io.warmpool.server.config.GatewayConfig;
import io.warmpool.server.local.AgentClient;
import io.warmpool.server.local.LocalAgentProviderFactory;
import io.warmpool.server.local.PoolBrowsers;
import io.warmpool.spi.InstanceProviderFactory;
import io.warmpool.spi.ProviderContext;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

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

    /** The provider named {@code name}, creating one per region with the gateway's settings and agent client. */
    static Gateway.ProviderFactory configured(String name, GatewayConfig config, AgentClient agentClient,
                                              String agentSecret) {
        Map<String, InstanceProviderFactory> found = all();
        InstanceProviderFactory factory = found.get(name);
        if (factory == null) {
            throw new ConfigException("provider '" + name + "' is not on the class path (found " + found.keySet() + ")");
        }
        Map<String, String> settings = LocalAgentProviderFactory.settings(config.chromium(),
                config.dataDir().resolve("agents"), config.heartbeat().interval(), agentSecret, config.egressAllow(),
                PoolBrowsers.choose(config.pools().values()));
        Map<Class<?>, Object> services = Map.of(AgentClient.class, agentClient);
        return (region, onAgentLost, url) -> factory.create(new ProviderContext(region.name(), region.zones(),
                settings, onAgentLost, url, services));
    }
}
