package io.warmpool.core;

import io.warmpool.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class RegionHealthTest {
    private final MutableClock clock = new MutableClock();
    private final AtomicReference<Duration> lag = new AtomicReference<>(Duration.ZERO);
    private final RegionHealth health = new RegionHealth("weur", lag::get, Duration.ofSeconds(2), Duration.ofSeconds(10), clock);

    @Test
    void aRegionWhoseLagExceedsTheBoundIsStale() {
        assertThat(health.isStale()).isFalse();
        lag.set(Duration.ofMillis(2001));
        assertThat(health.isStale()).isTrue();
        assertThat(health.timesStale()).isEqualTo(1);
    }

    @Test
    void itRecoversOnlyAfterTheLagStaysUnderTheBoundForTheHoldTime() {
        lag.set(Duration.ofSeconds(5));
        health.isStale();
        lag.set(Duration.ofMillis(500));
        assertThat(health.isStale()).as("just recovered").isTrue();
        clock.advance(Duration.ofSeconds(9));
        assertThat(health.isStale()).as("9 s under the bound").isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(health.isStale()).as("10 s under the bound").isFalse();
    }

    @Test
    void aSpikeDuringTheHoldRestartsIt() {
        lag.set(Duration.ofSeconds(5));
        health.isStale();
        lag.set(Duration.ZERO);
        health.isStale();
        clock.advance(Duration.ofSeconds(8));
        lag.set(Duration.ofSeconds(3));
        assertThat(health.isStale()).isTrue();
        lag.set(Duration.ZERO);
        health.isStale();
        clock.advance(Duration.ofSeconds(8));
        assertThat(health.isStale()).as("the hold restarted at the spike").isTrue();
        clock.advance(Duration.ofSeconds(2));
        assertThat(health.isStale()).isFalse();
        assertThat(health.timesStale()).as("one episode, no flapping").isEqualTo(1);
    }
}
