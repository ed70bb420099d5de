package io.warmpool.core;

import io.warmpool.testkit.MutableTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBucketTest {
    @Test
    void aBurstUpToCapacityPassesThenCallersAreToldHowLongToWait() {
        MutableTicker ticker = new MutableTicker();
        TokenBucket bucket = new TokenBucket(3, 1.0, ticker);

        assertThat(bucket.tryTake()).isZero();
        assertThat(bucket.tryTake()).isZero();
        assertThat(bucket.tryTake()).isZero();
        long wait = bucket.tryTake();
        assertThat(wait).isBetween(Duration.ofMillis(999).toNanos(), Duration.ofMillis(1001).toNanos());

        ticker.advance(Duration.ofMillis(500));
        assertThat(bucket.tryTake()).as("half a token").isPositive();
        ticker.advance(Duration.ofMillis(500));
        assertThat(bucket.tryTake()).isZero();
    }

    @Test
    void itNeverHoldsMoreThanItsCapacity() {
        MutableTicker ticker = new MutableTicker();
        TokenBucket bucket = new TokenBucket(2, 10.0, ticker);
        ticker.advance(Duration.ofHours(1));
        assertThat(bucket.tryTake()).isZero();
        assertThat(bucket.tryTake()).isZero();
        assertThat(bucket.tryTake()).isPositive();
    }
}
