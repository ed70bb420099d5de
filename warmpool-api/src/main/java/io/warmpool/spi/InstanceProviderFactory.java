package io.warmpool.spi;

/**
 * Creates a region's {@link InstanceProvider} of one kind. Found through {@link java.util.ServiceLoader} (list the
 * implementation in {@code META-INF/services/io.warmpool.spi.InstanceProviderFactory}), as stores are, so a new
 * provider (remote agents, Kubernetes) is a new module on the class path, not an edit of the gateway. Implementations
 * are stateless and thread-safe.
 */
public interface InstanceProviderFactory {

    /** The name a gateway selects this provider by: {@code local}, … */
    String name();

    /**
     * Creates the provider of one region.
     *
     * @throws io.warmpool.ConfigException when a setting it needs is missing or malformed (naming the key)
     */
    InstanceProvider create(ProviderContext context);
}
