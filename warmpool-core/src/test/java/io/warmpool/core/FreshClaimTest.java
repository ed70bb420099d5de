package io.warmpool.core;

import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.testkit.ForwardingInstanceStore;
import io.warmpool.testkit.InMemoryInstanceStore;
import io.warmpool.testkit.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The quick-action path's claim and release: {@link Allocator#acquireNew} claims with one statement and no session
 * lookups, {@link RegionPool#release(Instance, boolean)} releases with one statement and no read first, and both keep
 * what the read-first paths guarantee: never one instance to two holders, a LOST instance never revived, a used-up one
 * recycled, a dirty one reset.
 */
class FreshClaimTest {
    private static final Duration KEEP = Duration.ofSeconds(60);

    private final MutableClock clock = new MutableClock();
    private final AtomicInteger sessionReads = new AtomicInteger();
    private final InMemoryInstanceStore inner = new InMemoryInstanceStore();
    private final ForwardingInstanceStore store = new ForwardingInstanceStore(inner) {
        @Override
        public Optional<Instance> findBySession(String sessionId) {
            sessionReads.incrementAndGet();
            return super.findBySession(sessionId);
        }
    };
    private final FakeProvider provider = new FakeProvider();
    private RegionShard shard;
    private Allocator allocator;

    @BeforeEach
    void start() {
        start(1_000);
    }

    private void start(int maxUses) {
        if (shard != null) {
            shard.close();
        }
        shard = new RegionShard("weur", store, provider, List.of(PoolSettings.builder("browser").minIdle(2).maxSize(2)
                .maxUses(maxUses).staleAfter(Duration.ofSeconds(15)).build()),
                new ShardSettings(100, 10, Duration.ofMillis(10), 0, Duration.ofSeconds(1)), clock, System::nanoTime,
                Runnable::run);
        allocator = new Allocator(Map.of("weur", new Allocator.Region("weur", List.of(), shard.pools(),
                new RegionHealth("weur", () -> Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(10), clock),
                shard::findSession)));
        assertThat(shard.housekeep()).isTrue();
    }

    @AfterEach
    void close() {
        shard.close();
    }

    @Test
    void aFreshClaimAndItsReleaseReadNoSession() {
        Lease lease = allocator.acquireNew("weur", "browser", SessionIds.generate("quick-", "weur"), KEEP, List.of());
        assertThat(lease.instance().state()).isEqualTo(InstanceState.CLAIMED);
        assertThat(pool().release(lease.instance(), true)).isTrue();

        assertThat(sessionReads).as("session lookups on the warm path").hasValue(0);
        assertThat(inner.find(lease.instance().id()).orElseThrow().state()).isEqualTo(InstanceState.WARM);
        assertThat(provider.reset).as("a clean release needs no reset").isEmpty();
        assertThat(pool().release(lease.instance(), true)).as("released twice").isFalse();
    }

    @Test
    void aDirtyReleaseResetsTheInstanceBeforeItIsWarmAgain() {
        Lease lease = allocator.acquireNew("weur", "browser", "quick-dirty~weur", KEEP, List.of());
        assertThat(pool().release(lease.instance(), false)).isTrue();
        assertThat(provider.reset).containsExactly(lease.instance().id());
        assertThat(inner.find(lease.instance().id()).orElseThrow().state()).isEqualTo(InstanceState.WARM);
    }

    @Test
    void anInstanceLostWhileHeldIsForgottenNotRevived() {
        Lease lease = allocator.acquireNew("weur", "browser", "quick-lost~weur", KEEP, List.of());
        assertThat(inner.transition(lease.instance().id(), InstanceState.CLAIMED, InstanceState.LOST)).isTrue();

        assertThat(pool().release(lease.instance(), true)).isTrue();
        assertThat(inner.find(lease.instance().id())).as("the LOST row is gone, not WARM").isEmpty();
    }

    @Test
    void anInstanceAtMaxUsesIsRecycledOnRelease() {
        start(1);
        Lease lease = allocator.acquireNew("weur", "browser", "quick-used~weur", KEEP, List.of());
        assertThat(pool().release(lease.instance(), true)).isTrue();
        assertThat(provider.stopped).contains(lease.instance().id());
        assertThat(inner.find(lease.instance().id())).isEmpty();
    }

    @Test
    void concurrentFreshClaimsNeverShareAnInstance() throws Exception {
        Set<String> held = ConcurrentHashMap.newKeySet();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger served = new AtomicInteger();
        ExecutorService callers = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < 6; c++) {
                done.add(callers.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        Optional<Lease> lease = pool().tryClaimWarm(SessionIds.generate("quick-", "weur"), KEEP,
                                List.of());
                        if (lease.isEmpty()) {
                            continue; // both were held: a quick caller would wait or go elsewhere
                        }
                        Instance i1 = lease.get().instance();
                        if (!held.add(i1.id())) {
                            overlaps.incrementAndGet();
                        }
                        served.incrementAndGet();
                        held.remove(i1.id());
                        pool().release(i1, true);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(overlaps).as("an instance held twice").hasValue(0);
        assertThat(served.get()).isPositive();
        assertThat(store.counts("browser", 10).warm()).as("all back").isEqualTo(2);
    }

    private RegionPool pool() {
        return shard.pool("browser");
    }
}
