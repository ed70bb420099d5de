package io.warmpool.server.metrics;

import io.warmpool.spi.PoolMetrics.AcquireOutcome;
import io.warmpool.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's event feed and acquire history, on a mutable clock. */
class RecentActivityTest {
    private final MutableClock clock = new MutableClock();

    @Test
    void aPollerGetsOnlyTheEventsAfterItsLastSequenceAndTheFeedKeepsTheNewest() {
        EventFeed feed = new EventFeed(clock);
        feed.add("fallback", "weur", "", "-> enam (exhausted)");
        feed.add("limit", "", "", "a caller went over quickPerSecond");
        assertThat(feed.after(0, 10)).extracting(EventFeed.Event::kind).containsExactly("fallback", "limit");
        assertThat(feed.after(1, 10)).extracting(EventFeed.Event::seq).containsExactly(2L);
        assertThat(feed.after(0, 1)).as("the newest when limited").extracting(EventFeed.Event::seq).containsExactly(2L);

        for (int i = 0; i < EventFeed.CAPACITY + 10; i++) {
            feed.add("start_failed", "weur", "browser", "#" + i);
        }
        List<EventFeed.Event> all = feed.after(0, Integer.MAX_VALUE);
        assertThat(all).hasSize(EventFeed.CAPACITY);
        assertThat(all.getLast().seq()).isEqualTo(EventFeed.CAPACITY + 12L);
        assertThat(all.getFirst().seq()).isEqualTo(13L);
    }

    @Test
    void stepsCountOutcomesAndBoundTheirPercentilesAndOldStepsFallOff() {
        AcquireHistory history = new AcquireHistory(clock);
        for (int i = 0; i < 98; i++) {
            history.record(AcquireOutcome.WARM, Duration.ofMillis(3));
        }
        history.record(AcquireOutcome.FALLBACK, Duration.ofMillis(40));
        history.record(AcquireOutcome.EXHAUSTED, Duration.ofSeconds(5));

        AcquireHistory.Step now = history.steps().getLast();
        assertThat(now.warm()).isEqualTo(98);
        assertThat(now.fallback()).isEqualTo(1);
        assertThat(now.exhausted()).isEqualTo(1);
        assertThat(now.p50Ms()).as("3 ms falls in the bin up to 4 ms").isEqualTo(4);
        assertThat(now.p99Ms()).as("the 99th of 100 is the 40 ms fallback: bin up to 64 ms").isEqualTo(64);
        assertThat(history.steps()).hasSize(60);

        clock.advance(AcquireHistory.STEP);
        assertThat(history.steps().getLast().warm()).as("a new step starts empty").isZero();
        assertThat(history.steps().getLast().p50Ms()).isEqualTo(-1);
        assertThat(history.steps().get(58).warm()).isEqualTo(98);

        clock.advance(AcquireHistory.SPAN);
        history.record(AcquireOutcome.COLD, Duration.ofMillis(900));
        assertThat(history.steps()).extracting(AcquireHistory.Step::warm).allMatch(n -> n == 0);
        assertThat(history.steps().getLast().cold()).isEqualTo(1);
    }
}
