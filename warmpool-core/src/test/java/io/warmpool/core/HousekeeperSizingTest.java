package io.warmpool.core;

import io.warmpool.core.sizing.SizingSettings;
import io.warmpool.testkit.InMemoryInstanceStore;
import io.warmpool.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The seam: the housekeeper asks the pool's sizing policy for its target and lets the surplus go. */
class HousekeeperSizingTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));
    private final InMemoryInstanceStore store = new InMemoryInstanceStore();
    private final FakeProvider provider = new FakeProvider();

    private RegionPool pool(SizingSettings sizing, int maxSize) {
        PoolSettings s = PoolSettings.builder("browser").minIdle(0).maxSize(maxSize).staleAfter(Duration.ofHours(1))
                .sizing(sizing).build();
        return new RegionPool("weur", s, store, provider, clock, System::nanoTime, Runnable::run);
    }

    private void tick(RegionPool pool, int seconds) {
        for (int i = 0; i < seconds; i++) {
            clock.advance(Duration.ofSeconds(1));
            pool.housekeep();
        }
    }

    @Test
    void fixedIsTodaysMinIdle() {
        RegionPool pool = pool(SizingSettings.fixed(3), 8);

        tick(pool, 1);

        assertThat(pool.counts().warm()).isEqualTo(3);
        assertThat(pool.sizing().currentTarget()).isEqualTo(3);
    }

    @Test
    void adaptiveLetsIdleInstancesAboveItsTargetGoAfterTheCoolDown() {
        RegionPool pool = pool(SizingSettings.builder().coolDown(Duration.ofSeconds(5)).build(), 20);
        for (int i = 0; i < 10; i++) {
            pool.acquire("s" + i, Duration.ofMinutes(5)); // ten cold acquires: each waits for its own start
        }
        for (int i = 0; i < 10; i++) {
            pool.release("s" + i, true);
        }
        assertThat(pool.counts().warm()).isEqualTo(10);

        tick(pool, 2);
        assertThat(pool.counts().warm()).as("still within the cool-down").isEqualTo(10);

        tick(pool, 5);
        int target = pool.sizing().currentTarget();
        assertThat(target).isBetween(1, 9);
        assertThat(pool.counts().warm() + pool.counts().starting()).isEqualTo(target);
        assertThat(provider.stopped.size()).isEqualTo(10 - target);
    }

    @Test
    void exactStopsAnInstanceReleasedAboveN() {
        RegionPool pool = pool(SizingSettings.parse("exact:1", 0).build(), 8);
        tick(pool, 1);
        pool.acquire("a", Duration.ofMinutes(5));
        pool.acquire("b", Duration.ofMinutes(5));
        tick(pool, 1);
        assertThat(pool.counts().warm()).isEqualTo(1);

        pool.release("a", true);

        assertThat(pool.counts().warm()).isEqualTo(1);
        assertThat(provider.stopped).hasSize(1);
    }

    @Test
    void theWarmthMeterChargesIdleInstanceSecondsAndCountsHits() {
        RegionPool pool = pool(SizingSettings.fixed(2), 8);
        tick(pool, 2); // the first run starts two; the second sees them idle
        tick(pool, 10);
        pool.acquire("a", Duration.ofMinutes(5));

        assertThat(pool.sizing().meter().idleInstanceSeconds(clock.instant())).isEqualTo(20.0);
        assertThat(pool.sizing().meter().warmHitRate(clock.instant())).isEqualTo(1.0);
    }
}
