package io.warmpool.spi;

import io.warmpool.ConfigException;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What a gateway hands an {@link InstanceProviderFactory} for one region. Immutable.
 *
 * @param region      the region's name
 * @param zones       the region's zones, nearest-first order as configured
 * @param settings    the provider's settings from the gateway configuration, by key
 * @param onAgentLost to be told the id of an agent that died with its instances
 * @param gatewayUrl  where agents reach the gateway (known once its HTTP server listens)
 * @param services    objects the gateway shares with providers, by type (an HTTP client, say); may be empty
 */
public record ProviderContext(String region, List<String> zones, Map<String, String> settings,
                              Consumer<String> onAgentLost, Supplier<String> gatewayUrl, Map<Class<?>, Object> services) {

    public ProviderContext {
        zones = List.copyOf(zones);
        settings = Map.copyOf(settings);
        services = Map.copyOf(services);
    }

    /** The setting {@code key}. @throws ConfigException naming the key when it is missing */
    public String setting(String key) {
        String value = settings.get(key);
        if (value == null) {
            throw new ConfigException("provider setting " + key + " is missing (region " + region + ")");
        }
        return value;
    }

    /** The shared object of type {@code type}, if the gateway shares one. */
    public <T> Optional<T> service(Class<T> type) {
        return Optional.ofNullable(services.get(type)).map(type::cast);
    }
}
