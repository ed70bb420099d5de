package io.warmpool.testkit;

import io.warmpool.AgentBeat;
import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.PoolCounts;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Liveness per agent ({@code applyBeats}) and bounded counts: an agent's beat keeps every instance it owns fresh for
 * claims, shared-pool members and the LOST sweep without writing their rows; an instance is stale only when its own
 * heartbeat and its agent's beat are both old; a death reported per instance still makes it LOST. Extend
 * {@link InstanceStoreContract}, not this class.
 */
public abstract class InstanceStoreLivenessContract extends InstanceStoreLeaseContract {

    private void warmOn(String id, String agentId) {
        store.insert(Instance.starting(id, REGION, POOL, "weur-a", agentId, VERSION, T0, T0.plusSeconds(3600)));
        assertThat(store.markWarm(id, "ws://cdp/" + id, "http://agent/" + id, T0)).isTrue();
    }

    @Test
    void anAgentsBeatKeepsItsInstancesClaimableWithoutTouchingTheirRows() {
        warmOn("i-1", "agent-1");
        warmOn("i-2", "agent-2");
        Instant later = T0.plusSeconds(30);

        store.applyBeats(List.of(new AgentBeat("agent-1", later)), List.of());

        assertThat(store.find("i-1").orElseThrow().heartbeatAt()).as("no instance row written").isEqualTo(T0);
        assertThat(claim("s-1", later, later, 5)).map(Instance::id).contains("i-1");
        assertThat(claim("s-2", later, later, 5)).as("agent-2 never beat after T0").isEmpty();
    }

    @Test
    void anInstanceIsLostOnlyWhenItsOwnHeartbeatAndItsAgentsBeatAreBothStale() {
        warmOn("beaten", "agent-1");
        warmOn("silent", "agent-2");
        store.insert(Instance.starting("fresh-start", REGION, POOL, "weur-a", "agent-2", VERSION, T0.plusSeconds(20),
                T0.plusSeconds(3600)));
        store.insert(Instance.starting("agentless", REGION, POOL, "weur-a", null, VERSION, T0, T0.plusSeconds(3600)));
        store.applyBeats(List.of(new AgentBeat("agent-1", T0.plusSeconds(20))), List.of());

        List<Instance> lost = store.markLost(POOL, T0.plusSeconds(15));

        assertThat(lost).extracting(Instance::id).containsExactlyInAnyOrder("silent", "agentless");
        assertThat(store.find("beaten").orElseThrow().state()).isEqualTo(InstanceState.WARM);
        assertThat(store.find("fresh-start").orElseThrow().state()).as("its own heartbeat is recent")
                .isEqualTo(InstanceState.STARTING);
        assertThat(store.markLost(POOL, T0.plusSeconds(15))).as("nothing twice").isEmpty();
        assertThat(store.markLost(null, T0.plusSeconds(21))).extracting(Instance::id)
                .containsExactlyInAnyOrder("beaten", "fresh-start");
    }

    @Test
    void anAgentsBeatNeverMovesBackwardsAndItsLatestWins() {
        warmOn("i-1", "agent-1");

        store.applyBeats(List.of(new AgentBeat("agent-1", T0.plusSeconds(30)), new AgentBeat("agent-1",
                T0.plusSeconds(10))), List.of());
        store.applyBeats(List.of(new AgentBeat("agent-1", T0.plusSeconds(20))), List.of());

        assertThat(store.markLost(POOL, T0.plusSeconds(30))).as("fresh at the inclusive bound").isEmpty();
        assertThat(store.markLost(POOL, T0.plusSeconds(30).plusMillis(1))).extracting(Instance::id)
                .containsExactly("i-1");
    }

    @Test
    void aDeathInTheSameBatchAsItsAgentsBeatMakesTheInstanceLost() {
        warmOn("i-1", "agent-1");
        warmOn("i-2", "agent-1");

        store.applyBeats(List.of(new AgentBeat("agent-1", T0.plusSeconds(5))),
                List.of(beat("i-1", false, T0.plusSeconds(5))));

        assertThat(store.find("i-1").orElseThrow().state()).isEqualTo(InstanceState.LOST);
        assertThat(claim("s-1", T0.plusSeconds(5), T0.plusSeconds(5), 5)).map(Instance::id).contains("i-2");
    }

    @Test
    void aBeatOfAnAgentWithNoInstancesIsHarmless() {
        store.applyBeats(List.of(new AgentBeat("nobody", T0)), List.of());

        assertThat(store.list(null)).isEmpty();
        assertThat(store.markLost(null, T0.plusSeconds(60))).isEmpty();
    }

    @Test
    void warmMembersCountAnInstanceFreshByItsAgentsBeat() {
        warmOn("m-1", "agent-1");
        warmOn("m-2", "agent-2");
        store.applyBeats(List.of(new AgentBeat("agent-2", T0.plusSeconds(40))), List.of());

        assertThat(store.warmMembers(POOL, VERSION, T0.plusSeconds(40), 10)).extracting(Instance::id)
                .containsExactly("m-2");
    }

    @Test
    void boundedCountsCountEachStateUpToTheBound() {
        for (int i = 0; i < 5; i++) {
            warm("w-" + i, POOL);
        }
        store.insert(starting("s-1", POOL));
        warm("other", OTHER_POOL);
        claim("c-1").orElseThrow();

        assertThat(store.counts(POOL, 3)).isEqualTo(new PoolCounts(1, 3, 1, 0, 0));
        assertThat(store.counts(POOL, 100)).isEqualTo(store.counts(POOL));
        assertThat(store.counts(POOL, 0)).isEqualTo(PoolCounts.EMPTY);
        assertThat(store.counts("no-such-pool", 10)).isEqualTo(PoolCounts.EMPTY);
    }

    @Test
    void pruningForgetsOnlyAgentsSilentSinceTheBoundThatOwnNothing() {
        Instant day = T0.plus(java.time.Duration.ofDays(1));
        warmOn("i-1", "agent-gone");
        warmOn("i-2", "agent-dead");
        warmOn("i-3", "agent-live");
        store.applyBeats(List.of(new AgentBeat("agent-gone", T0), new AgentBeat("agent-dead", T0),
                new AgentBeat("agent-live", day)), List.of());
        assertThat(store.transition("i-1", InstanceState.WARM, InstanceState.GONE)).isTrue();

        assertThat(store.pruneAgents(T0)).as("nobody silent since before T0").isZero();
        assertThat(store.pruneAgents(day)).as("agent-gone: silent and owns nothing").isEqualTo(1);
        assertThat(store.pruneAgents(day)).as("already forgotten").isZero();

        // agent-dead owns i-2 and is kept: the LOST sweep still finds i-2 through it
        assertThat(store.markLost(POOL, day)).extracting(Instance::id).containsExactly("i-2");
        assertThat(store.find("i-3").orElseThrow().state()).isEqualTo(InstanceState.WARM);
    }
}
