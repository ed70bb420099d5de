package io.warmpool.core;

import io.warmpool.testkit.InMemoryInstanceStore;
import io.warmpool.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Two gateways on one shard: the region is stale when either one's heartbeat queue is behind, while it lives. */
class SharedLagTest {
    private final MutableClock clock = new MutableClock();
    private final InMemoryInstanceStore store = new InMemoryInstanceStore();
    private final AtomicReference<Duration> lagA = new AtomicReference<>(Duration.ZERO);
    private final AtomicReference<Duration> lagB = new AtomicReference<>(Duration.ZERO);
    private final SharedLag a = new SharedLag("weur", store, "gw-a", lagA::get, clock);
    private final SharedLag b = new SharedLag("weur", store, "gw-b", lagB::get, clock);
    private final RegionHealth healthOfA = new RegionHealth("weur", a::worst, Duration.ofSeconds(2),
            Duration.ofSeconds(10), clock);

    @Test
    void aRegionIsStaleOnEveryGatewayWhenAnotherGatewaysQueueIsBehind() {
        a.publish();
        b.publish();
        assertThat(healthOfA.isStale()).isFalse();

        lagB.set(Duration.ofSeconds(3)); // b's writer falls behind; a's own queue is empty
        b.publish();
        a.publish();
        assertThat(a.worst()).isEqualTo(Duration.ofSeconds(3));
        assertThat(healthOfA.isStale()).as("a sees b's lag").isTrue();

        lagB.set(Duration.ofMillis(100)); // b caught up and keeps publishing
        for (int i = 0; i <= 10; i++) {
            clock.advance(SharedLag.EVERY);
            b.publish();
            a.publish();
            healthOfA.isStale();
        }
        assertThat(healthOfA.isStale()).as("back after the hold time").isFalse();
    }

    @Test
    void aDeadGatewaysLastLagStopsCountingAfterItsRowsLiveTime() {
        lagB.set(Duration.ofSeconds(30));
        b.publish(); // b dies right after saying its queue was far behind
        a.publish();
        assertThat(a.worst()).isEqualTo(Duration.ofSeconds(30));

        clock.advance(SharedLag.LIVE_FOR.plusMillis(1));
        a.publish();
        assertThat(a.worst()).as("b's row is older than LIVE_FOR").isZero();
    }

    @Test
    void theOwnLagCountsAtOnceWithoutWaitingForAPublish() {
        a.publish();
        lagA.set(Duration.ofSeconds(4));
        assertThat(a.worst()).isEqualTo(Duration.ofSeconds(4));
        assertThat(healthOfA.isStale()).isTrue();
    }

    @Test
    void aStoreThatFailsIsCountedAndLeavesTheLastAnswer() {
        lagB.set(Duration.ofSeconds(3));
        b.publish();
        a.publish();
        SharedLag broken = new SharedLag("weur", new io.warmpool.testkit.ForwardingInstanceStore(store) {
            @Override
            public void publishLag(String gateway, Duration lag, java.time.Instant now) {
                throw new io.warmpool.StoreException("down", null, null);
            }
        }, "gw-c", () -> Duration.ZERO, clock);
        broken.publish();
        assertThat(broken.failures()).isEqualTo(1);
        assertThat(a.worst()).isEqualTo(Duration.ofSeconds(3));
    }
}
