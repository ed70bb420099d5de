package io.warmpool.core;

import io.warmpool.HeartbeatReport;
import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.spi.InstanceProvider;
import io.warmpool.spi.InstanceStore;
import io.warmpool.spi.PoolMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One region, as one object: its store shard, heartbeat queue and batch writer, provider, pools, and their
 * housekeeping on the region's own scheduler thread (so a slow store in one region never delays another's).
 * Nothing outside the shard talks to its store: requests go through the pools and the targeted lookups here.
 * Call {@link #start()} once; {@link #close()} stops the threads and closes the provider and the store.
 * Thread-safe.
 */
public final class RegionShard implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RegionShard.class);
    /** An agent silent this long that owns no instance is forgotten (its row in the shard deleted). */
    static final Duration AGENT_RETENTION = Duration.ofDays(1);
    /** How often the housekeeping looks for such agents. */
    static final Duration AGENT_PRUNE_EVERY = Duration.ofMinutes(1);

    private final String name;
    private final InstanceStore store;
    private final InstanceProvider provider;
    private final ShardSettings settings;
    private final InstantSource clock;
    private final BoundedHeartbeatQueue queue;
    private final HeartbeatBatchWriter writer;
    private final Map<String, RegionPool> pools;
    private final ScheduledExecutorService housekeeping;
    private final ScheduledExecutorService leasing; // renews the lease apart, so a slow round never loses it
    private final ScheduledExecutorService lagging; // publishes the queue lag apart, so a slow store delays nothing else
    private final SharedLag sharedLag;
    private final RegionLeader leader;
    private final InstanceStore fenced;
    private volatile Instant nextAgentPrune; // null: at the next round
    private volatile Thread writerThread;

    public RegionShard(String name, InstanceStore store, InstanceProvider provider, Collection<PoolSettings> pools,
                       ShardSettings settings, InstantSource clock, LongSupplier ticker, Executor tasks) {
        this(name, store, provider, pools, settings, clock, ticker, tasks, PoolMetrics.NONE);
    }

    /** Like the other constructor, reporting the region's events to {@code metrics}. */
    public RegionShard(String name, InstanceStore store, InstanceProvider provider, Collection<PoolSettings> pools,
                       ShardSettings settings, InstantSource clock, LongSupplier ticker, Executor tasks,
                       PoolMetrics metrics) {
        this.name = name;
        this.store = store;
        this.provider = provider;
        this.settings = settings;
        this.clock = clock;
        this.queue = new BoundedHeartbeatQueue(settings.queueCapacity(), ticker);
        this.writer = new HeartbeatBatchWriter(name, queue, store, settings.batchSize(), settings.flushAfter(),
                settings.retries(), settings.refreshAfter(), metrics, ticker);
        this.leader = new RegionLeader(name, store, RegionLeader.newHolderId(),
                RegionLeader.periodFor(settings.housekeepingInterval()), clock);
        this.fenced = store.fenced(leader.lease(), leader::token);
        Map<String, RegionPool> byName = new LinkedHashMap<>();
        for (PoolSettings ps : pools) {
            byName.put(ps.name(), new RegionPool(name, ps, store, fenced, provider, clock, ticker, tasks, null,
                    metrics));
        }
        this.pools = Map.copyOf(byName);
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("housekeeper-" + name).factory());
        this.leasing = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("lease-" + name).factory());
        this.lagging = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("lag-" + name).factory());
        this.sharedLag = new SharedLag(name, store, leader.holder(), this::heartbeatLag, clock);
    }

    /**
     * Starts the heartbeat writer and, on this region's own thread, the housekeeping of every pool, run only while
     * this process leads the region (see {@link #housekeep()}).
     */
    public void start() {
        writerThread = Thread.ofPlatform().daemon().name("heartbeat-writer-" + name).start(writer);
        long every = settings.housekeepingInterval().toMillis();
        leasing.scheduleWithFixedDelay(leader::lead, 0, every, TimeUnit.MILLISECONDS);
        housekeeping.scheduleWithFixedDelay(this::housekeepIfLeader, 0, every, TimeUnit.MILLISECONDS);
        lagging.scheduleWithFixedDelay(sharedLag::publish, 0, SharedLag.EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A scheduled round: runs while this process's term is running (the lease thread keeps it renewed). */
    private void housekeepIfLeader() {
        if (leader.isLeader()) {
            runPools();
        }
    }

    private void runPools() {
        try {
            for (RegionPool p : pools.values()) {
                p.housekeep();
            }
            pruneAgents();
        } catch (RuntimeException e) {
            log.warn("{} - housekeeping round failed: {}", name, e.toString());
        }
    }

    /** Forgets the agents silent for {@link #AGENT_RETENTION} that own nothing, at most once per minute. */
    private void pruneAgents() {
        Instant now = clock.instant();
        Instant next = nextAgentPrune;
        if (next != null && now.isBefore(next)) {
            return;
        }
        nextAgentPrune = now.plus(AGENT_PRUNE_EVERY);
        int forgotten = fenced.pruneAgents(now.minus(AGENT_RETENTION));
        if (forgotten > 0) {
            log.info("{} - forgot {} agents silent for more than {} that own no instance", name, forgotten,
                    AGENT_RETENTION);
        }
    }

    /**
     * One housekeeping round now: takes or renews the region's leader lease, and when this process leads, runs every
     * pool's housekeeping (each of its writes fenced by the lease's token). Never throws.
     *
     * @return whether this process led the round
     */
    public boolean housekeep() {
        if (!leader.lead()) {
            return false;
        }
        runPools();
        return true;
    }

    /** Who leads this region's housekeeping from this process's side. */
    public RegionLeader leader() {
        return leader;
    }

    /**
     * Marks LOST every live instance recorded by an earlier run of this region (their agents died with it).
     *
     * @return how many
     */
    public int loseOrphans() {
        int orphaned = 0;
        for (RegionPool p : pools.values()) {
            orphaned += store.markLost(p.settings().name(), clock.instant().plusSeconds(3600)).size();
        }
        if (orphaned > 0) {
            log.warn("{} - {} instances from an earlier run are LOST and will be cleaned up", name, orphaned);
        }
        return orphaned;
    }

    /** Takes a heartbeat report into the queue; false when the queue is full (the sender retries later). */
    public boolean offer(HeartbeatReport report) {
        return queue.offer(report);
    }

    /** Marks LOST every live instance owned by {@code agentId} (its process died, and its browsers with it). */
    public int agentLost(String agentId) {
        int lost = 0;
        for (Instance i : store.byAgent(agentId)) {
            if (i.state() != InstanceState.LOST && store.transition(i.id(), i.state(), InstanceState.LOST)) {
                lost++;
            }
        }
        log.warn("{} - agent {} lost; {} instances marked LOST", name, agentId, lost);
        try {
            housekeeping.execute(this::housekeepIfLeader);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.debug("{} - closing; no housekeeping after agent {} was lost", name, agentId);
        }
        return lost;
    }

    /** The instance bound to {@code sessionId} in this region (CLAIMED or LOST), in one indexed lookup. */
    public Optional<Instance> findSession(String sessionId) {
        return store.findBySession(sessionId);
    }

    public Optional<Instance> find(String instanceId) {
        return store.find(instanceId);
    }

    /** Pushes a session's idle expiry forward; false when it is not CLAIMED any more. */
    public boolean touchSession(String sessionId, java.time.Instant expiresAt) {
        return store.touchSession(sessionId, expiresAt);
    }

    /** How many sessions here have an id starting with {@code prefix} (a tenant's, say). */
    public int countSessions(String prefix) {
        return store.countSessions(prefix);
    }

    /** Sessions here whose id starts with {@code prefix}, by id, at most {@code limit}. */
    public List<Instance> sessions(String prefix, int limit) {
        return store.sessions(prefix, limit);
    }

    /** A bounded, filtered page of the shard's instances for dashboards; see {@link InstanceStore#search}. */
    public InstanceStore.SearchPage search(io.warmpool.InstanceState state, String text, int offset, int limit) {
        return store.search(state, text, offset, limit);
    }

    /** Every instance of {@code pool}: a whole-shard read for tools and tests, never for a request path. */
    public List<Instance> snapshot(String pool) {
        return store.list(pool);
    }

    public String name() {
        return name;
    }

    public InstanceProvider provider() {
        return provider;
    }

    public Map<String, RegionPool> pools() {
        return pools;
    }

    public RegionPool pool(String pool) {
        return pools.get(pool);
    }

    /**
     * Rate limits kept in this region's shard, for the gateways that share it: each take is one conditional statement
     * on the shard at this shard's clock (see {@link InstanceStore#takeRate}).
     */
    public RateCells rateCells() {
        return new RateCells() {
            @Override
            public Duration take(String key, io.warmpool.RateLimit limit) {
                return store.takeRate(key, limit, clock.instant());
            }

            @Override
            public io.warmpool.RateLimit.Allowance peek(String key, io.warmpool.RateLimit limit) {
                return store.peekRate(key, limit, clock.instant());
            }
        };
    }

    /** Age of the oldest heartbeat taken in and not yet written: the region's staleness signal. */
    public Duration heartbeatLag() {
        return queue.lag(clock.instant());
    }

    /**
     * The region's staleness signal across the cluster: the worst heartbeat queue lag of the live gateways that share
     * this shard, this one's included (see {@link SharedLag}).
     */
    public Duration clusterLag() {
        return sharedLag.worst();
    }

    public SharedLag sharedLag() {
        return sharedLag;
    }

    public int heartbeatQueueSize() {
        return queue.size();
    }

    public HeartbeatBatchWriter writer() {
        return writer;
    }

    @Override
    public void close() {
        lagging.shutdownNow();
        leasing.shutdownNow();
        housekeeping.shutdownNow();
        try {
            leasing.awaitTermination(5, TimeUnit.SECONDS);
            lagging.awaitTermination(5, TimeUnit.SECONDS);
            housekeeping.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        leader.resign();
        Thread t = writerThread;
        if (t != null) {
            t.interrupt();
        }
        try {
            housekeeping.awaitTermination(5, TimeUnit.SECONDS);
            if (t != null) {
                t.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            provider.close();
        } finally {
            store.close();
        }
    }
}
