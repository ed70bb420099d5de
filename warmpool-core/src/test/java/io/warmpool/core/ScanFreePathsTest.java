package io.warmpool.core;

import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.PoolCounts;
import io.warmpool.testkit.ForwardingInstanceStore;
import io.warmpool.testkit.InMemoryInstanceStore;
import io.warmpool.testkit.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request and housekeeping paths never read a whole shard: the store here fails every {@code list} and every
 * unbounded {@code counts(pool)} (refills count through {@code counts(pool, atMost)}), and every path
 * (acquire, sticky re-acquire, find, release, idle expiry, recycling, LOST clean-up, shared routing, keep-warm
 * pings, an agent's death, a tenant's session count) still works.
 */
class ScanFreePathsTest {
    private static final Duration KEEP = Duration.ofSeconds(60);

    private final MutableClock clock = new MutableClock();
    private final AtomicInteger listCalls = new AtomicInteger();
    private final ForwardingInstanceStore store = new ForwardingInstanceStore(new InMemoryInstanceStore()) {
        @Override
        public List<Instance> list(String pool) {
            listCalls.incrementAndGet();
            throw new AssertionError("a whole-shard read on a request or housekeeping path");
        }

        @Override
        public PoolCounts counts(String pool) {
            throw new AssertionError("a whole-pool count on a request or housekeeping path (use counts(pool, atMost))");
        }
    };
    private final FakeProvider provider = new FakeProvider();
    private final RegionShard shard = new RegionShard("weur", store, provider, List.of(
            PoolSettings.builder("browser").minIdle(2).maxSize(4).staleAfter(Duration.ofSeconds(15))
                    .maxLifetime(Duration.ofMinutes(30)).build(),
            PoolSettings.builder("compute").shared(true).minIdle(2).maxSize(3).staleAfter(Duration.ofSeconds(15))
                    .keepaliveInterval(Duration.ofSeconds(1)).build()),
            new ShardSettings(100, 10, Duration.ofMillis(10), 0, Duration.ofSeconds(1)), clock, System::nanoTime,
            Runnable::run);
    private final Allocator allocator = new Allocator(Map.of("weur", new Allocator.Region("weur", List.of(),
            shard.pools(), new RegionHealth("weur", () -> Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(10),
            clock), shard::findSession)));

    @AfterEach
    void close() {
        shard.close();
    }

    @Test
    void noRequestOrHousekeepingPathListsTheShard() {
        housekeep();
        Lease first = allocator.acquire("weur", "browser", "acme/s-1", KEEP);
        assertThat(allocator.acquire("weur", "browser", "acme/s-1", KEEP).instance().id())
                .as("sticky").isEqualTo(first.instance().id());
        allocator.acquire("weur", "browser", "acme/quick-1", KEEP);
        assertThat(shard.countSessions("acme/") - shard.countSessions("acme/quick-")).isEqualTo(1);
        assertThat(shard.sessions("acme/", 10)).hasSize(2);
        assertThat(allocator.find("acme/s-1")).isPresent();
        assertThat(allocator.holder("acme/s-1").orElseThrow().release("acme/s-1", false)).isTrue();

        clock.advance(KEEP.plusSeconds(1));
        beatAll();
        assertThat(shard.pool("browser").housekeep().expired()).as("idle session expired").isEqualTo(1);

        SharedRouter.Route route = SharedRouter.route(shard.pool("compute"), "acme");
        assertThat(route.member().state()).isEqualTo(InstanceState.WARM);
        clock.advance(Duration.ofSeconds(2));
        beatAll();
        housekeep();
        assertThat(shard.pool("compute").keepWarmPings()).isPositive();

        clock.advance(Duration.ofMinutes(31));
        beatAll();
        assertThat(shard.pool("browser").housekeep().recycled()).as("past maxLifetime").isPositive();

        clock.advance(Duration.ofSeconds(16));
        assertThat(shard.pool("browser").housekeep().lost()).as("no heartbeats").isPositive();
        housekeep();
        assertThat(shard.agentLost("agent-1")).isNotNegative();

        assertThat(listCalls).hasValue(0);
    }

    private void housekeep() {
        assertThat(shard.housekeep()).as("the only shard leads").isTrue();
    }

    /** Heartbeats for every live instance, straight into the store (the writer is not running here). */
    private void beatAll() {
        for (RegionPool p : shard.pools().values()) {
            for (Instance i : store.byAgent("agent-1")) {
                store.applyHeartbeats(List.of(new io.warmpool.HeartbeatReport(i.id(), "agent-1", true,
                        clock.instant(), clock.instant())));
            }
        }
    }
}
