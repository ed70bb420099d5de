package io.warmpool.core;

import io.warmpool.InstanceState;
import io.warmpool.PoolExhaustedException;
import io.warmpool.testkit.InMemoryInstanceStore;
import io.warmpool.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DrainTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));
    private final InMemoryInstanceStore store = new InMemoryInstanceStore();
    private final FakeProvider provider = new FakeProvider();
    private final RegionPool pool = new RegionPool("weur", PoolSettings.builder("browser").minIdle(2).maxSize(3).staleAfter(Duration.ofMinutes(10))
            .acquireTimeout(Duration.ofMillis(50)).build(), store, provider, clock, System::nanoTime, Runnable::run);

    @Test
    void aDrainedAgentStopsItsWarmInstancesAndLetsItsSessionsRunTheirKeepAlive() {
        pool.housekeep();
        Lease held = pool.acquire("s1", Duration.ofMinutes(2));
        pool.drains().drainAgent("agent-1", true);

        pool.housekeep();

        assertThat(pool.counts().warm()).as("warm instances of a drained agent are stopped").isZero();
        assertThat(pool.counts().starting()).as("nothing new starts on a drained agent").isZero();
        assertThat(pool.find("s1")).as("the live session keeps its instance").get()
                .extracting(i -> i.state()).isEqualTo(InstanceState.CLAIMED);
        assertThatThrownBy(() -> pool.acquire("s2", Duration.ofMinutes(1))).isInstanceOf(PoolExhaustedException.class);

        clock.advance(Duration.ofSeconds(119));
        pool.housekeep();
        assertThat(pool.find("s1")).as("not cut short before its keep-alive").isPresent();

        clock.advance(Duration.ofSeconds(2));
        pool.housekeep();
        assertThat(pool.find("s1")).as("idled out").isEmpty();
        assertThat(provider.stopped).contains(held.instance().id());
        assertThat(provider.reset).as("a drained instance is stopped, not reset").doesNotContain(held.instance().id());
        assertThat(pool.counts().live()).isZero();
    }

    @Test
    void aReleasedSessionOfADrainedRegionStopsItsInstanceAndUndrainRefills() {
        pool.housekeep();
        Lease held = pool.acquire("s1", Duration.ofMinutes(2));
        pool.drains().drainRegion(true);
        pool.housekeep();

        assertThat(pool.release("s1", false)).isTrue();

        assertThat(provider.stopped).contains(held.instance().id());
        assertThat(pool.counts().live()).isZero();

        pool.drains().drainRegion(false);
        pool.housekeep();
        assertThat(pool.counts().warm()).isEqualTo(2);
    }
}
