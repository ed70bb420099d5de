package io.warmpool.testkit;

import io.warmpool.ClaimRequest;
import io.warmpool.Instance;
import io.warmpool.InstanceState;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The targeted queries of {@link InstanceStoreContract}: the reads that hot paths use instead of a whole-shard
 * {@code list}. Each returns exactly the rows it names and respects its limit. Extend {@link InstanceStoreContract},
 * not this class.
 */
public abstract class InstanceStoreQueryContract extends InstanceStoreLivenessContract {

    @Test
    void sessionsAndTheirCountAreAPrefixOfTheSessionId() {
        for (int i = 0; i < 6; i++) {
            warm("i-" + i, POOL);
        }
        claim("acme/a").orElseThrow();
        claim("acme/quick-1").orElseThrow();
        claim("acme-two/a").orElseThrow();
        claim("acm/b").orElseThrow();
        claim("acme0").orElseThrow();

        assertThat(store.sessions("acme/", 10)).extracting(Instance::sessionId)
                .containsExactly("acme/a", "acme/quick-1");
        assertThat(store.countSessions("acme/")).isEqualTo(2);
        assertThat(store.countSessions("acme/quick-")).isEqualTo(1);
        assertThat(store.countSessions("nobody/")).isZero();
        assertThat(store.sessions("acme/", 1)).extracting(Instance::sessionId).containsExactly("acme/a");
        assertThat(store.sessions("acm", 10)).extracting(Instance::sessionId)
                .containsExactly("acm/b", "acme-two/a", "acme/a", "acme/quick-1", "acme0");
    }

    @Test
    void aSearchFiltersByStateAndTextCountsAllAndPagesById() {
        for (int i = 0; i < 5; i++) {
            warm("i-" + i, POOL);
        }
        store.insert(starting("odd_%one", OTHER_POOL));
        claim("Acme/Alpha").orElseThrow();

        assertThat(store.search(null, null, 0, 10).total()).isEqualTo(6);
        assertThat(store.search(null, null, 0, 10).rows()).extracting(Instance::id)
                .containsExactly("i-0", "i-1", "i-2", "i-3", "i-4", "odd_%one");
        assertThat(store.search(null, null, 2, 2).rows()).extracting(Instance::id).containsExactly("i-2", "i-3");
        assertThat(store.search(null, null, 2, 2).total()).as("the total ignores the page").isEqualTo(6);
        assertThat(store.search(null, null, 9, 2).rows()).isEmpty();

        assertThat(store.search(InstanceState.CLAIMED, null, 0, 10).rows()).extracting(Instance::sessionId)
                .containsExactly("Acme/Alpha");
        assertThat(store.search(null, "acme/al", 0, 10).total()).as("session id, any case").isEqualTo(1);
        assertThat(store.search(null, "BETA", 0, 10).rows()).extracting(Instance::id).as("pool").containsExactly("odd_%one");
        assertThat(store.search(null, "_%", 0, 10).rows()).extracting(Instance::id).as("wildcards are text")
                .containsExactly("odd_%one");
        assertThat(store.search(null, "%", 0, 10).total()).isEqualTo(1);
        assertThat(store.search(InstanceState.WARM, "i-", 0, 10).total()).isEqualTo(4);
        assertThat(store.search(InstanceState.LOST, null, 0, 10).total()).isZero();
    }

    @Test
    void aLostSessionStillCountsUntilItIsReleased() {
        warm("i-1", POOL);
        claim("acme/a").orElseThrow();
        store.transition("i-1", InstanceState.CLAIMED, InstanceState.LOST);

        assertThat(store.countSessions("acme/")).isEqualTo(1);
        assertThat(store.sessions("acme/", 10)).extracting(Instance::state).containsExactly(InstanceState.LOST);

        store.release("acme/a", InstanceState.GONE);
        assertThat(store.countSessions("acme/")).isZero();
    }

    @Test
    void lostListsOnlyTheLostInstancesOfThePool() {
        warm("lost-1", POOL);
        warm("lost-2", POOL);
        warm("warm", POOL);
        warm("lost-other", OTHER_POOL);
        store.transition("lost-1", InstanceState.WARM, InstanceState.LOST);
        store.transition("lost-2", InstanceState.WARM, InstanceState.LOST);
        store.transition("lost-other", InstanceState.WARM, InstanceState.LOST);

        assertThat(store.lost(POOL, 10)).extracting(Instance::id).containsExactlyInAnyOrder("lost-1", "lost-2");
        assertThat(store.lost(POOL, 1)).hasSize(1);
    }

    @Test
    void dueForRecycleIsTheWarmOnesPastTheirRetireTime() {
        for (String[] r : new String[][]{{"old", "100"}, {"exact", "200"}, {"young", "300"}}) {
            store.insert(Instance.starting(r[0], REGION, POOL, "weur-a", "agent-1", VERSION, T0,
                    T0.plusSeconds(Long.parseLong(r[1]))));
            store.markWarm(r[0], "ws://cdp", "http://agent", T0);
        }
        store.insert(Instance.starting("old-starting", REGION, POOL, "weur-a", "agent-1", VERSION, T0, T0));
        store.insert(Instance.starting("old-other", REGION, OTHER_POOL, "weur-a", "agent-1", VERSION, T0, T0));
        store.markWarm("old-other", "ws://cdp", "http://agent", T0);

        assertThat(store.dueForRecycle(POOL, T0.plusSeconds(200), 10)).extracting(Instance::id)
                .containsExactlyInAnyOrder("old", "exact");
        assertThat(store.dueForRecycle(POOL, T0.plusSeconds(200), 1)).hasSize(1);
        assertThat(store.dueForRecycle(POOL, T0.plusSeconds(50), 10)).isEmpty();
    }

    @Test
    void idleIsWarmInstancesOfThePoolUpToTheLimit() {
        warm("w-1", POOL);
        warm("w-2", POOL);
        warm("w-3", POOL);
        warm("claimed", POOL);
        store.insert(starting("starting", POOL));
        warm("other", OTHER_POOL);
        store.claim(new ClaimRequest(POOL, VERSION, "s-1", T0, KEEP_ALIVE, T0, 5)).orElseThrow();

        List<Instance> idle = store.idle(POOL, 10);
        assertThat(idle).hasSize(3).allSatisfy(i -> {
            assertThat(i.state()).isEqualTo(InstanceState.WARM);
            assertThat(i.pool()).isEqualTo(POOL);
        });
        assertThat(store.idle(POOL, 2)).hasSize(2);
        assertThat(store.idle(POOL, 0)).isEmpty();
    }

    @Test
    void byAgentIsEveryInstanceTheAgentOwns() {
        store.insert(Instance.starting("a-1", REGION, POOL, "weur-a", "agent-1", VERSION, T0, T0.plusSeconds(60)));
        store.insert(Instance.starting("a-2", REGION, OTHER_POOL, "weur-a", "agent-1", VERSION, T0, T0.plusSeconds(60)));
        store.insert(Instance.starting("b-1", REGION, POOL, "weur-a", "agent-2", VERSION, T0, T0.plusSeconds(60)));
        store.transition("a-2", InstanceState.STARTING, InstanceState.LOST);

        assertThat(store.byAgent("agent-1")).extracting(Instance::id).containsExactly("a-1", "a-2");
        assertThat(store.byAgent("agent-3")).isEmpty();
    }

    @Test
    void warmMembersAreFreshWarmInstancesOfThePoolAndVersion() {
        warm("m-2", POOL);
        warm("m-1", POOL);
        warm("stale", POOL);
        warm("claimed", POOL);
        store.insert(Instance.starting("old-version", REGION, POOL, "weur-a", "agent-1", "chromium-139", T0,
                T0.plusSeconds(3600)));
        store.markWarm("old-version", "ws://cdp", "http://agent", T0.plusSeconds(10));
        warm("other", OTHER_POOL);
        store.applyHeartbeats(List.of(beat("m-1", true, T0.plusSeconds(10)), beat("m-2", true, T0.plusSeconds(10)),
                beat("claimed", true, T0.plusSeconds(10)), beat("other", true, T0.plusSeconds(10))));
        store.claim(new ClaimRequest(POOL, VERSION, "s-1", T0, KEEP_ALIVE, T0.plusSeconds(10), 1)).orElseThrow();
        String claimed = store.findBySession("s-1").orElseThrow().id();

        List<Instance> members = store.warmMembers(POOL, VERSION, T0.plusSeconds(5), 10);

        assertThat(members).extracting(Instance::id).doesNotContain(claimed, "stale", "old-version", "other")
                .isSorted().hasSize(2);
        assertThat(store.warmMembers(POOL, VERSION, T0.plusSeconds(5), 1)).hasSize(1);
    }
}
