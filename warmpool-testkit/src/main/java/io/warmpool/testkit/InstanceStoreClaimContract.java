package io.warmpool.testkit;

import io.warmpool.ClaimRequest;
import io.warmpool.HeartbeatReport;
import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.PoolCounts;
import io.warmpool.spi.InstanceStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The claim half of {@link InstanceStoreContract}: who may be claimed, session-id stickiness, spreading, and the
 * concurrency test that no instance is ever held by two sessions at once. Extend {@link InstanceStoreContract},
 * not this class.
 *
 * <p>Session-id rule every store follows: a session id binds at most one instance. A claim with an id that is
 * already bound takes nothing new; it returns the bound instance unchanged while it is CLAIMED (same id, same
 * instance) and empty when that instance was LOST ({@code findBySession} tells the caller why).
 */
public abstract class InstanceStoreClaimContract {

    protected static final Instant T0 = MutableClock.DEFAULT_START;
    protected static final String REGION = "weur";
    protected static final String POOL = "browser";
    protected static final String OTHER_POOL = "browser-beta";
    protected static final String VERSION = "chromium-140";
    protected static final Duration KEEP_ALIVE = Duration.ofSeconds(60);

    protected InstanceStore store;

    /** A fresh, empty store; called once before each test and closed after it. */
    protected abstract InstanceStore newStore();

    @BeforeEach
    void openStore() {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void aClaimBindsOneWarmInstanceToTheSession() {
        warm("i-1", POOL);

        Instance claimed = claim("s-1", T0.plusSeconds(2), T0, 5).orElseThrow();

        assertThat(claimed.id()).isEqualTo("i-1");
        assertThat(claimed.state()).isEqualTo(InstanceState.CLAIMED);
        assertThat(claimed.sessionId()).isEqualTo("s-1");
        assertThat(claimed.claimedAt()).isEqualTo(T0.plusSeconds(2));
        assertThat(claimed.sessionExpiresAt()).isEqualTo(T0.plusSeconds(2).plus(KEEP_ALIVE));
        assertThat(claimed.keepAliveMillis()).isEqualTo(KEEP_ALIVE.toMillis());
        assertThat(claimed.uses()).isEqualTo(1);
        assertThat(claimed.cdpUrl()).isEqualTo("ws://cdp/i-1");
        assertThat(store.findBySession("s-1")).contains(claimed);
        assertThat(store.find("i-1")).contains(claimed);
        assertThat(store.counts(POOL)).isEqualTo(new PoolCounts(0, 0, 1, 0, 0));
    }

    @Test
    void aClaimIsEmptyWhenNothingIsWarm() {
        assertThat(claim("s-1")).isEmpty();
        store.insert(starting("i-1", POOL));
        assertThat(claim("s-1")).isEmpty();
        assertThat(store.findBySession("s-1")).isEmpty();
    }

    @Test
    void aClaimNeverTakesAnInstanceThatIsNotWarm() {
        store.insert(starting("starting", POOL));
        warm("stopping", POOL);
        store.transition("stopping", InstanceState.WARM, InstanceState.STOPPING);
        warm("lost", POOL);
        store.applyHeartbeats(List.of(beat("lost", false, T0)));
        warm("claimed", POOL);
        assertThat(claim("holder")).map(Instance::id).contains("claimed");

        assertThat(claim("s-1")).isEmpty();
        assertThat(store.find("claimed").orElseThrow().sessionId()).isEqualTo("holder");
    }

    @Test
    void aClaimNeverTakesAStaleInstance() {
        warm("i-1", POOL);

        assertThat(claim("s-1", T0.plusSeconds(60), T0.plusMillis(1), 5)).isEmpty();
        assertThat(claim("s-1", T0.plusSeconds(60), T0, 5)).as("the fresh bound is inclusive").isPresent();
    }

    @Test
    void aClaimNeverTakesAnotherPoolOrVersion() {
        warm("other-pool", OTHER_POOL);
        store.insert(Instance.starting("old", REGION, POOL, "weur-a", "agent-1", "chromium-139", T0, T0.plusSeconds(3600)));
        store.markWarm("old", "ws://cdp/old", "http://agent/old", T0);

        assertThat(claim("s-1")).isEmpty();
        assertThat(store.claim(new ClaimRequest(POOL, "chromium-139", "s-2", T0, KEEP_ALIVE, T0, 5)))
                .map(Instance::id).contains("old");
    }

    @Test
    void aSessionIdHoldsAtMostOneInstance() {
        warm("i-1", POOL);
        warm("i-2", POOL);
        Instance first = claim("s-1").orElseThrow();

        Optional<Instance> again = claim("s-1", T0.plusSeconds(5), T0, 5);

        assertThat(again).as("same id, same instance, unchanged").contains(first);
        assertThat(store.counts(POOL)).isEqualTo(new PoolCounts(0, 1, 1, 0, 0));
    }

    @Test
    void aSessionIdBoundToALostInstanceClaimsNothing() {
        warm("i-1", POOL);
        claim("s-1").orElseThrow();
        store.applyHeartbeats(List.of(beat("i-1", false, T0.plusSeconds(1))));
        warm("i-2", POOL);

        assertThat(claim("s-1")).isEmpty();
        assertThat(store.findBySession("s-1")).map(Instance::state).contains(InstanceState.LOST);
        assertThat(store.find("i-2").orElseThrow().state()).isEqualTo(InstanceState.WARM);
    }

    @Test
    void claimsKeepSucceedingUntilEveryWarmInstanceIsHeld() {
        for (int i = 0; i < 7; i++) {
            warm("i-" + i, POOL);
        }
        Set<String> held = new HashSet<>();
        for (int i = 0; i < 7; i++) {
            held.add(claim("s-" + i, T0, T0, 1).orElseThrow().id());
        }
        assertThat(held).hasSize(7);
        assertThat(claim("s-7")).isEmpty();
    }

    @Test
    void claimsSpreadAcrossTheCandidates() {
        for (int i = 0; i < 5; i++) {
            warm("i-" + i, POOL);
        }
        Set<String> hit = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            hit.add(claim("s-" + i, T0, T0, 5).orElseThrow().id());
            store.release("s-" + i, InstanceState.WARM);
        }
        assertThat(hit).hasSizeGreaterThan(1);
    }

    @Test
    @Timeout(60)
    void concurrentClaimsNeverHoldAnInstanceTwice() throws Exception {
        int threads = 16;
        int claimsPerThread = 500;
        int instances = 20;
        for (int i = 0; i < instances; i++) {
            warm("i-" + i, POOL);
        }
        ConcurrentHashMap<String, String> holders = new ConcurrentHashMap<>();
        AtomicInteger doubleHolds = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> done = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    int claimed = 0;
                    for (int n = 0; n < claimsPerThread; n++) {
                        String session = "t" + thread + "-" + n;
                        Optional<Instance> got = claim(session);
                        while (got.isEmpty()) { // every instance may be held or being claimed right now
                            Thread.yield();
                            got = claim(session);
                        }
                        String id = got.get().id();
                        if (holders.putIfAbsent(id, session) != null) {
                            doubleHolds.incrementAndGet();
                        }
                        LockSupport.parkNanos(20_000);
                        if (!holders.remove(id, session)) {
                            doubleHolds.incrementAndGet();
                        }
                        assertThat(store.release(session, InstanceState.WARM)).map(Instance::id).contains(id);
                        claimed++;
                    }
                    return claimed;
                }));
            }
            start.countDown();
            for (Future<Integer> f : done) {
                assertThat(f.get(55, TimeUnit.SECONDS)).isEqualTo(claimsPerThread);
            }
        }
        assertThat(doubleHolds).hasValue(0);
        assertThat(store.counts(POOL)).isEqualTo(new PoolCounts(0, instances, 0, 0, 0));
        assertThat(store.list(POOL).stream().mapToInt(Instance::uses).sum()).isEqualTo(threads * claimsPerThread);
    }

    @Test
    @Timeout(30)
    void concurrentClaimsWithOneSessionIdBindOneInstance() throws Exception {
        for (int i = 0; i < 10; i++) {
            warm("i-" + i, POOL);
        }
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Optional<Instance>>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return claim("same");
                }));
            }
            start.countDown();
            Set<String> ids = new HashSet<>();
            for (Future<Optional<Instance>> f : results) {
                f.get(25, TimeUnit.SECONDS).ifPresent(i -> ids.add(i.id()));
            }
            assertThat(ids).hasSize(1);
        }
        assertThat(store.counts(POOL)).isEqualTo(new PoolCounts(0, 9, 1, 0, 0));
    }

    @Test
    void aClaimPrefersTheCallersNearestZoneThenTheNextThenAny() {
        for (String[] z : new String[][]{{"far-1", "weur-c"}, {"far-2", "weur-c"}, {"mid-1", "weur-b"},
                {"near-1", "weur-a"}, {"near-2", "weur-a"}}) {
            store.insert(Instance.starting(z[0], REGION, POOL, z[1], "agent-1", VERSION, T0, T0.plusSeconds(3600)));
            store.markWarm(z[0], "ws://cdp/" + z[0], "http://agent/" + z[0], T0);
        }
        List<String> zones = List.of("weur-a", "weur-b");
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            order.add(store.claim(new ClaimRequest(POOL, VERSION, "z-" + i, T0, KEEP_ALIVE, T0, 5, zones))
                    .orElseThrow().id());
        }

        assertThat(order.subList(0, 2)).containsExactlyInAnyOrder("near-1", "near-2");
        assertThat(order.get(2)).isEqualTo("mid-1");
        assertThat(order.subList(3, 5)).as("then any zone").containsExactlyInAnyOrder("far-1", "far-2");
        assertThat(store.claim(new ClaimRequest(POOL, VERSION, "z-9", T0, KEEP_ALIVE, T0, 5, zones))).isEmpty();
    }

    @Test
    void withinTheNearestZoneTheClaimStillSpreadsAmongCandidates() {
        for (int i = 0; i < 5; i++) {
            store.insert(Instance.starting("a-" + i, REGION, POOL, "weur-a", "agent-1", VERSION, T0, T0.plusSeconds(3600)));
            store.markWarm("a-" + i, "ws://cdp", "http://agent", T0);
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            Instance got = store.claim(new ClaimRequest(POOL, VERSION, "s-" + i, T0, KEEP_ALIVE, T0, 5,
                    List.of("weur-a"))).orElseThrow();
            seen.add(got.id());
            store.release("s-" + i, InstanceState.WARM);
        }
        assertThat(seen).hasSizeGreaterThan(1);
    }

    // ---- fixtures shared with InstanceStoreContract ----

    protected static Instance starting(String id, String pool) {
        return Instance.starting(id, REGION, pool, "weur-a", "agent-1", VERSION, T0, T0.plusSeconds(3600));
    }

    /** Inserts {@code id} and marks it WARM with a heartbeat at {@link #T0}. */
    protected void warm(String id, String pool) {
        store.insert(starting(id, pool));
        assertThat(store.markWarm(id, "ws://cdp/" + id, "http://agent/" + id, T0)).isTrue();
    }

    protected Optional<Instance> claim(String sessionId) {
        return claim(sessionId, T0, T0, 5);
    }

    protected Optional<Instance> claim(String sessionId, Instant now, Instant freshAfter, int candidates) {
        return claim(sessionId, now, freshAfter, candidates, KEEP_ALIVE);
    }

    protected Optional<Instance> claim(String sessionId, Instant now, Instant freshAfter, int candidates,
                                       Duration keepAlive) {
        return store.claim(new ClaimRequest(POOL, VERSION, sessionId, now, keepAlive, freshAfter, candidates));
    }

    protected static HeartbeatReport beat(String instanceId, boolean alive, Instant at) {
        return new HeartbeatReport(instanceId, "agent-1", alive, at, at);
    }
}
