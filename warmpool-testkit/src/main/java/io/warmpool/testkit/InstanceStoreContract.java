package io.warmpool.testkit;

import io.warmpool.ClaimRequest;
import io.warmpool.HeartbeatReport;
import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.PoolCounts;
import io.warmpool.StoreException;
import io.warmpool.spi.InstanceStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour every {@link InstanceStore} must have. Extend it, return a fresh, empty store from
 * {@link #newStore()}, and every test here runs against that store. Claim-specific and concurrency tests live in
 * {@link InstanceStoreClaimContract}, the targeted queries in {@link InstanceStoreQueryContract}, liveness per agent in
 * {@link InstanceStoreLivenessContract}; this class extends them all.
 *
 * <p>Where the SPI's Javadoc is silent, this contract pins the rules down:
 * <ul>
 *   <li>Times are kept to the millisecond; {@code freshAfter} is inclusive, session expiry exclusive.</li>
 *   <li>A session id binds at most one instance. A claim with a bound id takes nothing new: it returns the bound
 *       instance unchanged while CLAIMED, and empty once it was LOST.</li>
 *   <li>Inserting an existing id throws {@link StoreException} with a class-23 SQLState ({@code 23505}).</li>
 *   <li>Heartbeats and {@code touchSession} never move a time backwards.</li>
 *   <li>"Live" means STARTING, WARM or CLAIMED: only those go LOST, by staleness or a dead-process report.
 *       A LOST instance keeps its session id until it is released or moved on.</li>
 *   <li>Releasing a LOST session to WARM or STARTING unbinds it but leaves the instance LOST (a dead instance is
 *       never revived); GONE deletes it, STOPPING stops it.</li>
 *   <li>{@code transition} to anything but LOST unbinds the session; it never moves to CLAIMED (that is
 *       {@code claim}'s job) and rejects {@code from == to}.</li>
 *   <li>{@code null} as the pool of {@code markLost}, {@code expiredSessions}, {@code list} and {@code counts}
 *       means every pool; {@code list} is ordered by id.</li>
 * </ul>
 *
 * <p>Times are whole milliseconds from {@link #T0}; tests pass them in, no clock is read.
 */
public abstract class InstanceStoreContract extends InstanceStoreQueryContract {

    @Test
    void anInsertedInstanceReadsBackUnchanged() {
        Instance starting = starting("i-1", POOL);
        store.insert(starting);

        assertThat(store.find("i-1")).contains(starting);
        assertThat(store.find("nope")).isEmpty();
        assertThat(store.list(POOL)).containsExactly(starting);
    }

    @Test
    void insertingAnExistingIdFailsWithAStoreException() {
        store.insert(starting("i-1", POOL));

        assertThatThrownBy(() -> store.insert(starting("i-1", POOL)))
                .isInstanceOf(StoreException.class)
                .satisfies(e -> assertThat(((StoreException) e).sqlState()).startsWith("23"));
        assertThat(store.list(null)).hasSize(1);
    }

    @Test
    void markWarmFlipsOnlyAStartingInstance() {
        store.insert(starting("i-1", POOL));

        assertThat(store.markWarm("i-1", "ws://cdp/1", "http://agent/1", T0.plusSeconds(3))).isTrue();
        Instance warm = store.find("i-1").orElseThrow();
        assertThat(warm.state()).isEqualTo(InstanceState.WARM);
        assertThat(warm.cdpUrl()).isEqualTo("ws://cdp/1");
        assertThat(warm.agentUrl()).isEqualTo("http://agent/1");
        assertThat(warm.heartbeatAt()).isEqualTo(T0.plusSeconds(3));

        assertThat(store.markWarm("i-1", "ws://other", "http://other", T0)).isFalse();
        assertThat(store.markWarm("unknown", "ws://x", "http://x", T0)).isFalse();
        assertThat(store.find("i-1").orElseThrow().cdpUrl()).isEqualTo("ws://cdp/1");
    }

    @Test
    void touchSessionPushesTheIdleExpiryForwardWhileClaimed() {
        warm("i-1", POOL);
        claim("s-1").orElseThrow();

        assertThat(store.touchSession("s-1", T0.plusSeconds(120))).isTrue();
        assertThat(store.findBySession("s-1").orElseThrow().sessionExpiresAt()).isEqualTo(T0.plusSeconds(120));
        assertThat(store.touchSession("s-1", T0.plusSeconds(90))).as("never moves it back").isTrue();
        assertThat(store.findBySession("s-1").orElseThrow().sessionExpiresAt()).isEqualTo(T0.plusSeconds(120));

        assertThat(store.touchSession("unknown", T0.plusSeconds(120))).isFalse();
        store.release("s-1", InstanceState.WARM);
        assertThat(store.touchSession("s-1", T0.plusSeconds(200))).isFalse();
    }

    @Test
    void touchingASessionWhoseInstanceWasLostFails() {
        warm("i-1", POOL);
        claim("s-1").orElseThrow();
        store.markLost(POOL, T0.plusSeconds(1));

        assertThat(store.touchSession("s-1", T0.plusSeconds(120))).isFalse();
    }

    @Test
    void releaseToWarmUnbindsTheSessionAndReturnsTheInstanceAsItWas() {
        warm("i-1", POOL);
        Instance claimed = claim("s-1").orElseThrow();

        Optional<Instance> before = store.release("s-1", InstanceState.WARM);

        assertThat(before).contains(claimed);
        Instance after = store.find("i-1").orElseThrow();
        assertThat(after.state()).isEqualTo(InstanceState.WARM);
        assertThat(after.sessionId()).isNull();
        assertThat(after.sessionExpiresAt()).isNull();
        assertThat(after.claimedAt()).isNull();
        assertThat(after.uses()).isEqualTo(1);
        assertThat(store.findBySession("s-1")).isEmpty();
        assertThat(store.release("s-1", InstanceState.WARM)).as("releasing twice").isEmpty();
        assertThat(claim("s-2")).map(Instance::id).contains("i-1");
    }

    @Test
    void releaseMovesTheInstanceToStartingOrStopping() {
        warm("i-1", POOL);
        warm("i-2", POOL);
        claim("s-1").orElseThrow();
        claim("s-2").orElseThrow();
        String resetting = store.findBySession("s-1").orElseThrow().id();
        String recycled = store.findBySession("s-2").orElseThrow().id();

        assertThat(store.release("s-1", InstanceState.STARTING)).isPresent();
        assertThat(store.release("s-2", InstanceState.STOPPING)).isPresent();

        assertThat(store.find(resetting).orElseThrow().state()).isEqualTo(InstanceState.STARTING);
        assertThat(store.find(recycled).orElseThrow().state()).isEqualTo(InstanceState.STOPPING);
        assertThat(store.markWarm(resetting, "ws://cdp/again", "http://agent/again", T0.plusSeconds(2))).isTrue();
        assertThat(store.counts(POOL)).isEqualTo(new PoolCounts(0, 1, 0, 1, 0));
    }

    @Test
    void releaseToGoneDeletesTheInstance() {
        warm("i-1", POOL);
        claim("s-1").orElseThrow();

        assertThat(store.release("s-1", InstanceState.GONE)).map(Instance::state).contains(InstanceState.CLAIMED);

        assertThat(store.find("i-1")).isEmpty();
        assertThat(store.findBySession("s-1")).isEmpty();
        assertThat(store.counts(POOL)).isEqualTo(PoolCounts.EMPTY);
    }

    @Test
    void aLostSessionCanBeReleasedToGoneButNeverRevived() {
        warm("i-1", POOL);
        warm("i-2", POOL);
        claim("s-1").orElseThrow();
        claim("s-2").orElseThrow();
        store.markLost(POOL, T0.plusSeconds(1));

        assertThat(store.release("s-1", InstanceState.WARM)).map(Instance::state).contains(InstanceState.LOST);
        assertThat(store.release("s-2", InstanceState.GONE)).map(Instance::state).contains(InstanceState.LOST);

        assertThat(store.findBySession("s-1")).isEmpty();
        assertThat(store.findBySession("s-2")).isEmpty();
        assertThat(store.counts(POOL)).isEqualTo(new PoolCounts(0, 0, 0, 0, 1));
    }

    @Test
    void releasingAnUnknownSessionIsEmpty() {
        assertThat(store.release("nobody", InstanceState.WARM)).isEmpty();
    }

    @Test
    void transitionMovesOnlyFromTheExpectedState() {
        warm("i-1", POOL);

        assertThat(store.transition("i-1", InstanceState.STARTING, InstanceState.STOPPING)).isFalse();
        assertThat(store.transition("i-1", InstanceState.WARM, InstanceState.STOPPING)).isTrue();
        assertThat(store.find("i-1").orElseThrow().state()).isEqualTo(InstanceState.STOPPING);
        assertThat(store.transition("unknown", InstanceState.WARM, InstanceState.STOPPING)).isFalse();

        assertThat(store.transition("i-1", InstanceState.STOPPING, InstanceState.GONE)).isTrue();
        assertThat(store.find("i-1")).isEmpty();
        assertThat(store.transition("i-1", InstanceState.STOPPING, InstanceState.GONE)).isFalse();
    }

    @Test
    void transitionOutOfLostUnbindsTheLostSession() {
        warm("i-1", POOL);
        claim("s-1").orElseThrow();
        store.markLost(POOL, T0.plusSeconds(1));

        assertThat(store.transition("i-1", InstanceState.LOST, InstanceState.STOPPING)).isTrue();

        assertThat(store.findBySession("s-1")).isEmpty();
        assertThat(store.find("i-1").orElseThrow().sessionId()).isNull();
    }

    @Test
    void transitionRefusesToClaim() {
        warm("i-1", POOL);

        assertThatThrownBy(() -> store.transition("i-1", InstanceState.WARM, InstanceState.CLAIMED))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void heartbeatsRefreshTheHeartbeatTimeAndNeverMoveItBack() {
        warm("i-1", POOL);

        int changed = store.applyHeartbeats(List.of(beat("i-1", true, T0.plusSeconds(30)), beat("ghost", true,
                T0.plusSeconds(30))));

        assertThat(changed).isEqualTo(1);
        assertThat(store.find("i-1").orElseThrow().heartbeatAt()).isEqualTo(T0.plusSeconds(30));
        store.applyHeartbeats(List.of(beat("i-1", true, T0.plusSeconds(10))));
        assertThat(store.find("i-1").orElseThrow().heartbeatAt()).isEqualTo(T0.plusSeconds(30));
        assertThat(claim("s-1", T0.plusSeconds(35), T0.plusSeconds(25), 5)).as("fresh again").isPresent();
    }

    @Test
    void aDeadProcessReportMarksALiveInstanceLostAndKeepsItsSession() {
        warm("i-1", POOL);
        warm("i-2", POOL);
        store.insert(starting("i-3", POOL));
        claim("s-1").orElseThrow();
        String held = store.findBySession("s-1").orElseThrow().id();
        String idle = held.equals("i-1") ? "i-2" : "i-1";
        store.transition(idle, InstanceState.WARM, InstanceState.STOPPING);

        int changed = store.applyHeartbeats(List.of(beat(held, false, T0.plusSeconds(5)),
                beat(idle, false, T0.plusSeconds(5)), beat("i-3", false, T0.plusSeconds(5))));

        assertThat(changed).isEqualTo(2);
        assertThat(store.findBySession("s-1").orElseThrow().state()).isEqualTo(InstanceState.LOST);
        assertThat(store.find(idle).orElseThrow().state()).as("already stopping").isEqualTo(InstanceState.STOPPING);
        assertThat(store.find("i-3").orElseThrow().state()).isEqualTo(InstanceState.LOST);
    }

    @Test
    void oneBatchCarriesManyHeartbeats() {
        List<HeartbeatReport> reports = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            store.insert(starting("i-" + i, POOL));
            reports.add(beat("i-" + i, i % 100 != 0, T0.plusSeconds(20)));
        }

        assertThat(store.applyHeartbeats(reports)).isEqualTo(500);

        assertThat(store.counts(POOL)).isEqualTo(new PoolCounts(495, 0, 0, 0, 5));
        assertThat(store.list(POOL)).allSatisfy(i -> assertThat(i.heartbeatAt()).isEqualTo(T0.plusSeconds(20)));
        assertThat(store.applyHeartbeats(List.of())).isZero();
    }

    @Test
    void markLostTakesOnlyStaleLiveInstancesOfThePool() {
        warm("stale-claimed", POOL);
        claim("s-1").orElseThrow();
        warm("stale-warm", POOL);
        store.insert(starting("stale-starting", POOL));
        warm("stopping", POOL);
        store.transition("stopping", InstanceState.WARM, InstanceState.STOPPING);
        warm("fresh", POOL);
        store.applyHeartbeats(List.of(beat("fresh", true, T0.plusSeconds(60))));
        warm("other-pool", OTHER_POOL);

        List<Instance> lost = store.markLost(POOL, T0.plusSeconds(30));

        assertThat(lost).extracting(Instance::id)
                .containsExactlyInAnyOrder("stale-claimed", "stale-warm", "stale-starting");
        assertThat(lost).allSatisfy(i -> assertThat(i.state()).isEqualTo(InstanceState.LOST));
        Instance lostSession = store.findBySession("s-1").orElseThrow();
        assertThat(lostSession.id()).isEqualTo("stale-claimed");
        assertThat(lostSession.state()).as("the caller can tell its session was lost").isEqualTo(InstanceState.LOST);
        assertThat(store.find("stopping").orElseThrow().state()).isEqualTo(InstanceState.STOPPING);
        assertThat(store.find("fresh").orElseThrow().state()).isEqualTo(InstanceState.WARM);
        assertThat(store.find("other-pool").orElseThrow().state()).isEqualTo(InstanceState.WARM);
        assertThat(store.markLost(POOL, T0.plusSeconds(30))).as("only newly lost ones").isEmpty();
    }

    @Test
    void expiredSessionsAreTheClaimedOnesPastTheirExpiry() {
        warm("i-1", POOL);
        warm("i-2", POOL);
        warm("i-3", OTHER_POOL);
        claim("short", T0, T0, 5, Duration.ofSeconds(10)).orElseThrow();
        claim("long", T0, T0, 5, Duration.ofSeconds(100)).orElseThrow();
        store.claim(new ClaimRequest(OTHER_POOL, VERSION, "elsewhere", T0, Duration.ofSeconds(10), T0, 5))
                .orElseThrow();

        assertThat(store.expiredSessions(POOL, T0.plusSeconds(10))).as("expiry is exclusive").isEmpty();
        assertThat(store.expiredSessions(POOL, T0.plusSeconds(11))).extracting(Instance::sessionId)
                .containsExactly("short");
        assertThat(store.expiredSessions(POOL, T0.plusSeconds(200))).extracting(Instance::sessionId)
                .containsExactlyInAnyOrder("short", "long");
        assertThat(store.expiredSessions(null, T0.plusSeconds(11))).extracting(Instance::sessionId)
                .containsExactlyInAnyOrder("short", "elsewhere");
    }

    @Test
    void listAndCountsCoverOnePoolOrAll() {
        warm("a-1", POOL);
        warm("a-2", POOL);
        store.insert(starting("a-3", POOL));
        warm("b-1", OTHER_POOL);
        claim("s-1").orElseThrow();

        assertThat(store.list(POOL)).extracting(Instance::id).containsExactly("a-1", "a-2", "a-3");
        assertThat(store.list(null)).extracting(Instance::id).containsExactly("a-1", "a-2", "a-3", "b-1");
        assertThat(store.counts(POOL)).isEqualTo(new PoolCounts(1, 1, 1, 0, 0));
        assertThat(store.counts(null)).isEqualTo(new PoolCounts(1, 2, 1, 0, 0));
        assertThat(store.counts("empty")).isEqualTo(PoolCounts.EMPTY);
        assertThat(store.list("empty")).isEmpty();
    }
}
