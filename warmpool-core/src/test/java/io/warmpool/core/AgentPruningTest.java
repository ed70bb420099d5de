package io.warmpool.core;

import io.warmpool.AgentBeat;
import io.warmpool.testkit.InMemoryInstanceStore;
import io.warmpool.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The region's housekeeping forgets agents silent for a day that own nothing, and keeps the others. */
class AgentPruningTest {

    @Test
    void housekeepingForgetsAgentsSilentForADayAndKeepsTheRecentOnes() {
        MutableClock clock = new MutableClock();
        Instant t0 = clock.instant();
        InMemoryInstanceStore store = new InMemoryInstanceStore();
        store.applyBeats(List.of(new AgentBeat("gone", t0), new AgentBeat("recent", t0.plus(Duration.ofHours(2)))),
                List.of());
        clock.advance(Duration.ofHours(25));
        ShardSettings settings = new ShardSettings(100, 10, Duration.ofMillis(50), 0, Duration.ofSeconds(1));
        try (RegionShard shard = new RegionShard("weur", store, new FakeProvider(), List.of(), settings, clock,
                System::nanoTime, Runnable::run)) {
            assertThat(shard.housekeep()).isTrue();
        }

        assertThat(store.pruneAgents(t0.plusSeconds(1))).as("'gone' was forgotten by the housekeeping").isZero();
        assertThat(store.pruneAgents(t0.plus(Duration.ofHours(3)))).as("'recent' (23 h silent) was kept").isEqualTo(1);
    }
}
