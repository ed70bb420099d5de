package io.warmpool.server;

import io.warmpool.core.RegionPool;
import io.warmpool.core.RegionShard;
import io.warmpool.server.config.RegionConfig;
import io.warmpool.spi.InstanceProvider;

import java.time.Duration;
import java.util.Map;

/**
 * One region inside a gateway: its configuration (backups, locations) next to the {@link RegionShard} that runs it.
 * Thread-safe.
 */
public final class RegionRuntime implements AutoCloseable {

    private final RegionConfig config;
    private final RegionShard shard;

    RegionRuntime(RegionConfig config, RegionShard shard) {
        this.config = config;
        this.shard = shard;
    }

    public String name() {
        return config.name();
    }

    public RegionConfig config() {
        return config;
    }

    /** The region's shard: its store is reached only through it. */
    public RegionShard shard() {
        return shard;
    }

    public InstanceProvider provider() {
        return shard.provider();
    }

    public Map<String, RegionPool> pools() {
        return shard.pools();
    }

    public RegionPool pool(String name) {
        return shard.pool(name);
    }

    public Duration heartbeatLag() {
        return shard.heartbeatLag();
    }

    @Override
    public void close() {
        shard.close();
    }
}
