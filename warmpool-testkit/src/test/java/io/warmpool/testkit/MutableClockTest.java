package io.warmpool.testkit;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MutableClockTest {

    @Test
    void theClockMovesOnlyWhenTold() {
        MutableClock clock = new MutableClock();
        assertThat(clock.instant()).isEqualTo(MutableClock.DEFAULT_START);

        assertThat(clock.advance(Duration.ofSeconds(5))).isEqualTo(MutableClock.DEFAULT_START.plusSeconds(5));
        clock.set(Instant.EPOCH);
        assertThat(clock.instant()).as("set may jump backwards").isEqualTo(Instant.EPOCH);
        assertThat(clock.millis()).isZero();
    }

    @Test
    void neitherClockNorTickerAdvancesByANegativeDuration() {
        assertThatThrownBy(() -> new MutableClock().advance(Duration.ofSeconds(-5)))
                .hasMessage("duration cannot be negative: PT-5S");
        assertThatThrownBy(() -> new MutableTicker().advance(Duration.ofNanos(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theTickerCountsNanoseconds() {
        MutableTicker ticker = new MutableTicker(100);

        ticker.advance(Duration.ofMillis(2));

        assertThat(ticker.getAsLong()).isEqualTo(2_000_100L);
        assertThat(ticker.nanoTime()).isEqualTo(2_000_100L);
    }
}
