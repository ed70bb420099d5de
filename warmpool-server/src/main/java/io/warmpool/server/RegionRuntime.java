package io.warmpool.server;

import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.core.BoundedHeartbeatQueue;
import io.warmpool.core.HeartbeatBatchWriter;
import io.warmpool.core.RegionPool;
import io.warmpool.server.config.RegionConfig;
import io.warmpool.spi.InstanceProvider;
import io.warmpool.spi.InstanceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;

/**
 * Everything one region runs inside a gateway: its store shard, heartbeat queue and writer, provider and pools.
 * Thread-safe.
 */
public final class RegionRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RegionRuntime.class);

    private final RegionConfig config;
    private final InstanceStore store;
    private final BoundedHeartbeatQueue queue;
    private final HeartbeatBatchWriter writer;
    private final InstanceProvider provider;
    private final Map<String, RegionPool> pools;
    private final InstantSource clock;
    private final Thread writerThread;

    RegionRuntime(RegionConfig config, InstanceStore store, BoundedHeartbeatQueue queue, HeartbeatBatchWriter writer,
                  InstanceProvider provider, Map<String, RegionPool> pools, InstantSource clock) {
        this.config = config;
        this.store = store;
        this.queue = queue;
        this.writer = writer;
        this.provider = provider;
        this.pools = Map.copyOf(pools);
        this.clock = clock;
        this.writerThread = Thread.ofPlatform().daemon().name("heartbeat-writer-" + config.name()).start(writer);
    }

    /** Marks LOST every live instance owned by {@code agentId} (its process died, and its browsers with it). */
    void agentLost(String agentId) {
        int lost = 0;
        for (Instance i : store.list(null)) {
            if (agentId.equals(i.agentId()) && i.state() != InstanceState.LOST
                    && i.state() != InstanceState.GONE && store.transition(i.id(), i.state(), InstanceState.LOST)) {
                lost++;
            }
        }
        log.warn("{} - agent {} lost; {} instances marked LOST", config.name(), agentId, lost);
        pools.values().forEach(p -> p.housekeeper().runOnce());
    }

    public String name() {
        return config.name();
    }

    public RegionConfig config() {
        return config;
    }

    public InstanceStore store() {
        return store;
    }

    public BoundedHeartbeatQueue queue() {
        return queue;
    }

    public HeartbeatBatchWriter writer() {
        return writer;
    }

    public InstanceProvider provider() {
        return provider;
    }

    public Map<String, RegionPool> pools() {
        return pools;
    }

    public RegionPool pool(String name) {
        return pools.get(name);
    }

    public Duration heartbeatLag() {
        return queue.lag(clock.instant());
    }

    @Override
    public void close() {
        writerThread.interrupt();
        try {
            writerThread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        provider.close();
        store.close();
    }
}
