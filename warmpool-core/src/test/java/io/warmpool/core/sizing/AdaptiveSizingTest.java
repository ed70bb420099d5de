package io.warmpool.core.sizing;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;

import static org.assertj.core.api.Assertions.assertThat;

/** The adaptive policy against demand shapes, one housekeeping run per virtual second. */
class AdaptiveSizingTest {
    private static final long START_MS = 400;

    /** Feeds a {@link PoolSizing} arrivals at a given rate, releases after a holding time, and asks for targets. */
    private static final class Driver {
        final PoolSizing sizing;
        Instant now = Instant.parse("2026-01-05T00:00:00Z");
        double carry;
        final ArrayDeque<Instant[]> held = new ArrayDeque<>(); // {claimedAt, releaseAt}

        Driver(SizingSettings settings, int maxSize) {
            sizing = new PoolSizing(settings, maxSize);
        }

        Driver() {
            this(SizingSettings.builder().build(), 10_000);
        }

        /** {@code seconds} seconds at {@code perSecond} acquires each held {@code holdMs}; the last run's target. */
        int run(int seconds, double perSecond, long holdMs) {
            int target = 0;
            for (int s = 0; s < seconds; s++) {
                carry += perSecond;
                int n = (int) carry;
                carry -= n;
                for (int k = 0; k < n; k++) {
                    Instant at = now.plusMillis(1000L * k / n);
                    sizing.claimed(at, true);
                    held.addLast(new Instant[] {at, at.plusMillis(holdMs)});
                }
                now = now.plusSeconds(1);
                while (!held.isEmpty() && !held.peekFirst()[1].isAfter(now)) {
                    Instant[] h = held.pollFirst();
                    sizing.released(h[0], h[1]);
                }
                target = sizing.target(now, target, START_MS);
            }
            return target;
        }
    }

    @Test
    void aBurstRaisesTheTargetWithinSeconds() {
        int steady = new Driver().run(300, 50, 2_000);
        Driver d = new Driver();
        int quiet = d.run(300, 1, 2_000);

        int burst = d.run(5, 50, 2_000);

        assertThat(quiet).isBetween(1, steady / 4);
        assertThat(burst).as("five seconds into the burst").isGreaterThanOrEqualTo(steady * 8 / 10);
    }

    @Test
    void aQuietNightLetsTheWarmSetGoToItsFloor() {
        Driver d = new Driver();
        assertThat(d.run(600, 20, 1_000)).isGreaterThan(5);

        assertThat(d.run(60, 0, 1_000)).as("a minute after the last acquire one is still kept").isEqualTo(1);
        assertThat(d.run(600, 0, 1_000)).as("after keepOneFor nothing is kept").isZero();

        Driver floor = new Driver(SizingSettings.builder().minIdle(2).build(), 10_000);
        floor.run(600, 20, 1_000);
        assertThat(floor.run(1_200, 0, 1_000)).as("never below minIdle").isEqualTo(2);
    }

    @Test
    void aStepDownLetsTheSurplusGoOnlyAfterTheCoolDown() {
        Driver d = new Driver(SizingSettings.builder().coolDown(Duration.ofSeconds(5)).build(), 10_000);
        int high = d.run(120, 40, 1_000);
        int idle = high;

        int low = d.run(61, 4, 1_000);
        assertThat(low).isLessThan(high / 2);

        int[] surplus = new int[8];
        for (int s = 0; s < surplus.length; s++) {
            d.run(1, 4, 1_000);
            surplus[s] = d.sizing.surplus(d.now, idle, idle);
        }
        int target = d.sizing.currentTarget();
        assertThat(surplus[0]).as("not before the cool-down has passed").isZero();
        assertThat(surplus).as("once it has, the whole surplus at once").contains(idle - target);
    }

    @Test
    void aShortBlipAboveTargetIsKept() {
        Driver d = new Driver(SizingSettings.builder().coolDown(Duration.ofSeconds(5)).build(), 10_000);
        d.run(120, 10, 1_000);
        int[] surplus = new int[10];
        for (int s = 0; s < surplus.length; s++) {
            int target = d.run(1, 10, 1_000);
            // every third run the surplus dips to nothing: a cool-down never sees it last
            int idle = s % 3 == 0 ? target : target + 5;
            surplus[s] = d.sizing.surplus(d.now, idle, idle);
        }
        assertThat(surplus).containsOnly(0);
    }

    @Test
    void aDailyPeakIsMetBeforeItComesOnTheSecondDay() {
        Driver d = new Driver();
        d.run(9 * 3600 - 1, 0.2, 1_000); // day 1 until 08:59:59
        int beforeDay1 = d.sizing.currentTarget();
        int peakDay1 = d.run(15 * 60, 30, 1_000); // 09:00-09:15
        d.run(24 * 3600 - 15 * 60, 0.2, 1_000); // until 08:59:59 on day 2

        int beforeDay2 = d.sizing.currentTarget();

        assertThat(beforeDay1).isLessThan(peakDay1 / 3);
        assertThat(beforeDay2).as("the quarter hour that starts within the window is forecast from day 1")
                .isGreaterThanOrEqualTo(peakDay1 * 9 / 10);
    }

    @Test
    void theTargetStaysWithinMaxSize() {
        Driver d = new Driver(SizingSettings.builder().build(), 25);

        assertThat(d.run(30, 500, 5_000)).isEqualTo(25);
    }

    @Test
    void shortHoldsNeedFewerIdleThanLongOnes() {
        int shortHolds = new Driver().run(120, 40, 20);
        int longHolds = new Driver().run(120, 40, 10_000);

        assertThat(shortHolds).isLessThan(longHolds / 2);
        assertThat(shortHolds).isGreaterThanOrEqualTo(1);
    }
}
