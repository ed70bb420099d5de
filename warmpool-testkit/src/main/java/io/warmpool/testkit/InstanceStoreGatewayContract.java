package io.warmpool.testkit;

import io.warmpool.RateLimit;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the gateways sharing a store share besides instances: rate cells that behave as token buckets whoever takes
 * from them, and each gateway's published heartbeat queue lag, of which only live rows count. Extend
 * {@link InstanceStoreContract}, not this class.
 */
public abstract class InstanceStoreGatewayContract extends InstanceStoreClaimContract {

    private static final RateLimit THREE_PER_MINUTE = new RateLimit(3, 3 / 60.0);

    @Test
    void aRateCellLetsItsCapacityThroughAtOnceThenRefusesWithTheWaitUntilTheNext() {
        for (int i = 0; i < 3; i++) {
            assertThat(store.takeRate("acme/sessions", THREE_PER_MINUTE, T0)).isZero();
        }
        assertThat(store.takeRate("acme/sessions", THREE_PER_MINUTE, T0)).isEqualTo(Duration.ofSeconds(20));
        assertThat(store.takeRate("acme/sessions", THREE_PER_MINUTE, T0.plusSeconds(5))).isEqualTo(Duration.ofSeconds(15));
        assertThat(store.peekRate("acme/sessions", THREE_PER_MINUTE, T0.plusSeconds(5)))
                .isEqualTo(new RateLimit.Allowance(0, Duration.ofSeconds(15)));

        assertThat(store.takeRate("acme/sessions", THREE_PER_MINUTE, T0.plusSeconds(20))).as("refilled one").isZero();
        assertThat(store.takeRate("acme/sessions", THREE_PER_MINUTE, T0.plusSeconds(20))).isPositive();
        assertThat(store.peekRate("acme/sessions", THREE_PER_MINUTE, T0.plusSeconds(80)))
                .as("never more than the capacity").isEqualTo(new RateLimit.Allowance(3, Duration.ZERO));
    }

    @Test
    void cellsAreIndependentAndARefusedTakeTakesNothing() {
        RateLimit one = new RateLimit(1, 1);
        assertThat(store.takeRate("acme/quick", one, T0)).isZero();
        assertThat(store.takeRate("acme/quick", one, T0.plusMillis(400))).isEqualTo(Duration.ofMillis(600));
        assertThat(store.takeRate("acme/quick", one, T0.plusMillis(800))).isEqualTo(Duration.ofMillis(200));
        assertThat(store.takeRate("globex/quick", one, T0.plusMillis(800))).as("another key").isZero();
        assertThat(store.takeRate("acme/quick", one, T0.plusMillis(1000))).as("refused takes did not push it back")
                .isZero();
        assertThat(store.peekRate("nobody/quick", one, T0)).isEqualTo(new RateLimit.Allowance(1, Duration.ZERO));
    }

    @Test
    void concurrentTakesAtOneInstantPassExactlyTheCapacity() throws Exception {
        RateLimit five = new RateLimit(5, 0.001);
        List<Callable<Boolean>> takes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            takes.add(() -> store.takeRate("acme/burst", five, T0).isZero());
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            long passed = 0;
            for (Future<Boolean> f : pool.invokeAll(takes)) {
                passed += f.get() ? 1 : 0;
            }
            assertThat(passed).isEqualTo(5);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theWorstLagIsTheLargestOfTheLiveGatewaysRows() {
        assertThat(store.worstLag(T0)).isZero();
        store.publishLag("gw-a", Duration.ofMillis(300), T0);
        store.publishLag("gw-b", Duration.ofSeconds(4), T0);
        assertThat(store.worstLag(T0.minusSeconds(5))).isEqualTo(Duration.ofSeconds(4));

        store.publishLag("gw-b", Duration.ofMillis(100), T0.plusSeconds(1)); // b caught up
        assertThat(store.worstLag(T0.minusSeconds(5))).isEqualTo(Duration.ofMillis(300));

        store.publishLag("gw-c", Duration.ofSeconds(9), T0.plusSeconds(2));
        store.publishLag("gw-a", Duration.ofMillis(50), T0.plusSeconds(10));
        store.publishLag("gw-b", Duration.ofMillis(60), T0.plusSeconds(10));
        assertThat(store.worstLag(T0.plusSeconds(5))).as("c stopped publishing: its row no longer counts")
                .isEqualTo(Duration.ofMillis(60));
    }

    @Test
    void aPublishForgetsRowsNotRefreshedForAnHour() {
        store.publishLag("gw-dead", Duration.ofSeconds(30), T0);
        store.publishLag("gw-a", Duration.ofMillis(10), T0.plus(io.warmpool.spi.InstanceStore.FORGET_LAGS_AFTER).plusSeconds(1));
        assertThat(store.worstLag(T0)).isEqualTo(Duration.ofMillis(10));
    }
}
