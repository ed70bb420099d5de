package io.warmpool.core;

import io.warmpool.InstanceState;
import io.warmpool.PoolCounts;
import io.warmpool.spi.InstanceStore;
import io.warmpool.testkit.InMemoryInstanceStore;
import io.warmpool.testkit.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateways' shards of one region on one store: one leads the housekeeping, the other waits for its term to run
 * out, and a leader paused past its term cannot act when it wakes. Time is a mutable clock; housekeeping rounds
 * are called directly and starts run inline.
 */
class RegionLeaderTest {
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Duration PERIOD = RegionLeader.periodFor(INTERVAL);

    private final MutableClock clock = new MutableClock();
    private final InstanceStore store = new InMemoryInstanceStore(7);
    private final FakeProvider providerA = new FakeProvider();
    private final FakeProvider providerB = new FakeProvider();
    private final RegionShard a = shard(providerA);
    private final RegionShard b = shard(providerB);

    private RegionShard shard(FakeProvider provider) {
        List<PoolSettings> pools = List.of(PoolSettings.builder("browser").minIdle(2).maxSize(3)
                .staleAfter(Duration.ofSeconds(15)).build());
        return new RegionShard("weur", store, provider, pools,
                new ShardSettings(100, 10, Duration.ofMillis(50), 0, INTERVAL), clock, System::nanoTime, Runnable::run);
    }

    @AfterEach
    void close() {
        a.close();
        b.close();
    }

    @Test
    void oneShardLeadsAndOnlyItStarts() {
        assertThat(a.housekeep()).isTrue();
        assertThat(b.housekeep()).isFalse();
        clock.advance(PERIOD.dividedBy(2));
        assertThat(a.housekeep()).isTrue();
        assertThat(b.housekeep()).isFalse();

        assertThat(providerA.started).hasSize(2);
        assertThat(providerB.started).isEmpty();
        assertThat(counts().live()).isEqualTo(2);
        assertThat(b.leader().token()).isZero();
    }

    @Test
    void anotherShardTakesOverWhenTheLeaderStopsRenewing() {
        assertThat(a.housekeep()).isTrue();
        long first = a.leader().token();

        clock.advance(PERIOD); // a is paused: no renewal
        assertThat(b.housekeep()).isTrue();

        assertThat(b.leader().token()).isEqualTo(first + 1);
        assertThat(counts().live()).as("b found a's instances and started none").isEqualTo(2);
        assertThat(providerB.started).isEmpty();
        assertThat(a.housekeep()).as("a wakes up inside b's term").isFalse();
        assertThat(a.leader().token()).isZero();
    }

    @Test
    void aPausedLeaderThatWakesUpCannotActOnItsLostLease() {
        assertThat(a.housekeep()).isTrue();
        clock.advance(PERIOD);
        assertThat(b.housekeep()).isTrue();
        clock.advance(Duration.ofSeconds(20)); // a's instances are now stale, and a still believes in its old token

        Housekeeper.Run stale = a.pool("browser").housekeep(); // a's pool acts without renewing first

        assertThat(stale).isEqualTo(new Housekeeper.Run(0, 0, 0, 0));
        assertThat(counts().warm()).as("the stale leader marked nothing LOST").isEqualTo(2);
        assertThat(providerA.started).hasSize(2);
        assertThat(providerA.stopped).isEmpty();

        assertThat(b.housekeep()).isTrue();
        assertThat(store.list("browser")).filteredOn(i -> i.state() == InstanceState.WARM)
                .allMatch(i -> providerB.started.contains(i.id()));
        assertThat(counts().live()).isLessThanOrEqualTo(3);
    }

    @Test
    void aResigningLeaderHandsOverAtOnce() {
        assertThat(a.housekeep()).isTrue();

        a.leader().resign();

        assertThat(b.housekeep()).isTrue();
        assertThat(a.leader().isLeader()).isFalse();
    }

    private PoolCounts counts() {
        return store.counts("browser");
    }
}
