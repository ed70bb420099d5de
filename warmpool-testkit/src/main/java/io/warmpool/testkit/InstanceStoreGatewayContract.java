package io.warmpool.testkit;

import io.warmpool.AgentBeat;
import io.warmpool.AgentRegistration;
import io.warmpool.Instance;
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
 * from them, each gateway's published heartbeat queue lag, of which only live rows count, and agent registrations,
 * live by the agent's latest beat. Extend
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

    @Test
    void aRegisteredAgentIsListedInItsRegionWhileItsRegistrationOrItsBeatIsRecent() {
        AgentRegistration a = new AgentRegistration("agent-a", REGION, "weur-a", "http://127.0.0.1:7001",
                List.of(POOL, "other"), 4);
        AgentRegistration b = new AgentRegistration("agent-b", REGION, "weur-b", "http://127.0.0.1:7002",
                List.of(POOL), 2);
        store.registerAgent(b, T0);
        store.registerAgent(a, T0);
        store.registerAgent(new AgentRegistration("agent-x", "eus", "eus-a", "http://127.0.0.1:7003", List.of(POOL), 1),
                T0);

        assertThat(store.liveAgents(REGION, T0)).as("its region's, by id").containsExactly(a, b);
        assertThat(store.liveAgents("eus", T0)).extracting(AgentRegistration::agentId).containsExactly("agent-x");

        store.applyBeats(List.of(new AgentBeat("agent-b", T0.plusSeconds(20))), List.of());
        assertThat(store.liveAgents(REGION, T0.plusSeconds(10))).as("a heartbeat keeps it live").containsExactly(b);
        assertThat(store.liveAgents(REGION, T0.plusSeconds(21))).isEmpty();

        store.registerAgent(a, T0.plusSeconds(30));
        assertThat(store.liveAgents(REGION, T0.plusSeconds(25))).as("registering again is a sign of life")
                .containsExactly(a);
    }

    @Test
    void registeringAgainReplacesTheRegistrationAndNeverMovesTheBeatBack() {
        store.registerAgent(new AgentRegistration("agent-a", REGION, "weur-a", "http://127.0.0.1:7001", List.of(POOL),
                1), T0);
        store.applyBeats(List.of(new AgentBeat("agent-a", T0.plusSeconds(60))), List.of());
        AgentRegistration moved = new AgentRegistration("agent-a", REGION, "weur-b", "http://127.0.0.1:7009",
                List.of(POOL, "other"), 8);

        store.registerAgent(moved, T0.plusSeconds(10)); // a late write of an older registration time

        assertThat(store.liveAgents(REGION, T0.plusSeconds(50))).containsExactly(moved);
    }

    @Test
    void agentsKnownOnlyFromTheirInstancesAreNotRegistered() {
        store.insert(Instance.starting("i-1", REGION, POOL, "weur-a", "agent-q", VERSION, T0, T0.plusSeconds(3600)));
        store.applyBeats(List.of(new AgentBeat("agent-q", T0.plusSeconds(5))), List.of());

        assertThat(store.liveAgents(REGION, T0)).isEmpty();
    }
}
