package io.warmpool.embedded;

import io.warmpool.ConfigException;
import io.warmpool.core.PoolSettings;
import io.warmpool.core.ShardSettings;
import io.warmpool.core.sizing.SizingSettings;
import io.warmpool.process.ProcessTemplate;
import io.warmpool.spi.PoolMetrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Builds a {@link WarmPool}. Defaults: pool {@code pool} in region {@code local}, {@code minIdle} 2, {@code maxSize}
 * 8, {@code maxUses} 100, {@code maxLifetime} 30 min, session idle timeout ({@code keepAlive}) 60 s, housekeeping
 * and heartbeats every 1 s (an exited process is replaced within about two seconds), files (SQLite store, data
 * directories) in a temporary directory deleted on close. The pool settings are validated once, in
 * {@link #build()}, naming the field, rule and value. Not thread-safe.
 */
public final class WarmPoolBuilder {
    private ProcessTemplate template;
    private String name = "pool";
    private String region = "local";
    private final List<Consumer<PoolSettings.Builder>> settings = new ArrayList<>(); // applied in build()
    private int minIdle = 2;
    private int maxSize = 8;
    private Duration housekeepingInterval = Duration.ofSeconds(1);
    private Duration heartbeatInterval = Duration.ofSeconds(1);
    private Path dataDir;
    private Path storeFile;
    private PoolMetrics metrics = PoolMetrics.NONE;
    private PoolSettings built;

    WarmPoolBuilder() {
    }

    private WarmPoolBuilder set(Consumer<PoolSettings.Builder> setting) {
        settings.add(setting);
        return this;
    }

    /** What each instance runs. Required. */
    public WarmPoolBuilder template(ProcessTemplate v) { this.template = v; return this; }
    /** The pool's name, in logs, metrics and error messages ({@code [a-z][a-z0-9-]{0,62}}). */
    public WarmPoolBuilder name(String v) { this.name = v; return this; }
    public WarmPoolBuilder region(String v) { this.region = v; return this; }
    /** Warm instances kept ready. */
    public WarmPoolBuilder minIdle(int v) { this.minIdle = v; return this; }
    /** Instances that may exist at once, claimed ones included. */
    public WarmPoolBuilder maxSize(int v) { this.maxSize = v; return this; }
    /** Sessions an instance serves before it is replaced. */
    public WarmPoolBuilder maxUses(int v) { return set(b -> b.maxUses(v)); }
    /** Age after which an idle instance is replaced (2.5% jitter per instance). */
    public WarmPoolBuilder maxLifetime(Duration v) { return set(b -> b.maxLifetime(v)); }
    /** How long a session may stay idle (not acquired again) before it is released for it. */
    public WarmPoolBuilder keepAlive(Duration v) {
        return set(b -> b.keepAlive(v).maxKeepAlive(v != null && v.compareTo(Duration.ofHours(1)) > 0 ? v : Duration.ofHours(1)));
    }
    /** Instances started at once. */
    public WarmPoolBuilder startParallelism(int v) { return set(b -> b.startParallelism(v)); }
    /** Cap of the exponential back-off (from 250 ms) after failed starts. */
    public WarmPoolBuilder startBackoffMax(Duration v) { return set(b -> b.startBackoffMax(v)); }
    /** Callers that may wait at once; one more fails at once. */
    public WarmPoolBuilder maxWaiting(int v) { return set(b -> b.maxWaiting(v)); }
    /**
     * How the warm target is set and when idle instances go: the engine's default ({@code adaptive}, never below
     * {@code minIdle}) unless set; see the README's "Pool sizing".
     */
    public WarmPoolBuilder sizing(SizingSettings v) { return set(b -> b.sizing(v)); }
    public WarmPoolBuilder housekeepingInterval(Duration v) { this.housekeepingInterval = v; return this; }
    /** How often each process's liveness is reported; the pool's stale bound is five of these at least. */
    public WarmPoolBuilder heartbeatInterval(Duration v) { this.heartbeatInterval = v; return this; }
    /** Where data directories (and, unless {@link #storeFile} says otherwise, the store) go; kept on close. */
    public WarmPoolBuilder dataDir(Path v) { this.dataDir = v; return this; }
    /** The SQLite file of the pool's store; kept on close. */
    public WarmPoolBuilder storeFile(Path v) { this.storeFile = v; return this; }
    /** Where the engine reports acquires, starts and heartbeat batches. */
    public WarmPoolBuilder metrics(PoolMetrics v) { this.metrics = v; return this; }

    /**
     * Validates the settings and starts the pool: its housekeeping starts {@code minIdle} instances at once.
     *
     * @throws io.warmpool.ConfigException naming the first setting that is wrong
     * @throws io.warmpool.StoreException  when the store cannot be opened
     */
    public WarmPool build() {
        if (template == null) {
            throw new ConfigException("template must be set (template=null)");
        }
        positive("housekeepingInterval", housekeepingInterval);
        positive("heartbeatInterval", heartbeatInterval);
        Duration stale = heartbeatInterval.multipliedBy(5);
        PoolSettings.Builder b = PoolSettings.builder(name).minIdle(minIdle).maxSize(maxSize)
                .staleAfter(stale.compareTo(Duration.ofSeconds(5)) > 0 ? stale : Duration.ofSeconds(5));
        settings.forEach(s -> s.accept(b));
        built = b.build();
        Path owned = null;
        Path dir = dataDir;
        if (dir == null) {
            try {
                owned = Files.createTempDirectory("warmpool-" + name + "-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temporary directory for pool " + name, e);
            }
            dir = owned;
        }
        return new WarmPool(this, dir, owned);
    }

    private static void positive(String field, Duration v) {
        if (v == null || v.isNegative() || v.isZero()) {
            throw new ConfigException(field + " must be a positive duration (" + field + "=" + v + ")");
        }
    }

    PoolSettings settings() { return built; }
    ProcessTemplate template() { return template; }
    String region() { return region; }
    Path storeFile() { return storeFile; }
    PoolMetrics metrics() { return metrics; }
    Duration heartbeatInterval() { return heartbeatInterval; }

    ShardSettings shardSettings() {
        return new ShardSettings(10_000, 100, Duration.ofMillis(100), 1, housekeepingInterval);
    }
}
