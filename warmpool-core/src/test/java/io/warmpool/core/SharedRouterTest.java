package io.warmpool.core;

import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.testkit.InMemoryInstanceStore;
import io.warmpool.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class SharedRouterTest {
    private final MutableClock clock = new MutableClock();
    private final InMemoryInstanceStore store = new InMemoryInstanceStore();
    private final FakeProvider provider = new FakeProvider();

    private RegionPool shared(int members) {
        RegionPool pool = new RegionPool("weur", PoolSettings.builder("compute").shared(true).minIdle(members)
                .maxSize(members + 2).staleAfter(Duration.ofHours(1)).acquireTimeout(Duration.ofSeconds(2)).build(),
                store, provider, clock, System::nanoTime, Runnable::run);
        pool.housekeep();
        return pool;
    }

    @Test
    void aTenantKeepsItsMemberAndMembersAreNeverClaimed() {
        RegionPool pool = shared(4);
        String first = SharedRouter.route(pool, "acme").member().id();

        for (int i = 0; i < 20; i++) {
            SharedRouter.Route r = SharedRouter.route(pool, "acme");
            assertThat(r.member().id()).isEqualTo(first);
            assertThat(r.warm()).isTrue();
        }
        assertThat(pool.counts().warm()).isEqualTo(4);
        assertThat(pool.sharedWarmHits()).isEqualTo(21);
    }

    @Test
    void whenAMemberDiesOnlyItsTenantsMove() {
        RegionPool pool = shared(5);
        Map<String, String> before = new java.util.HashMap<>();
        for (int t = 0; t < 200; t++) {
            before.put("t" + t, SharedRouter.route(pool, "t" + t).member().id());
        }
        String victim = before.get("t0");
        store.transition(victim, InstanceState.WARM, InstanceState.LOST);

        for (int t = 0; t < 200; t++) {
            String now = SharedRouter.route(pool, "t" + t).member().id();
            if (!before.get("t" + t).equals(victim)) {
                assertThat(now).isEqualTo(before.get("t" + t));
            } else {
                assertThat(now).isNotEqualTo(victim);
            }
        }
    }

    @Test
    void withNoWarmMemberARequestWaitsForOneAndCountsAMiss() {
        RegionPool pool = shared(0);

        SharedRouter.Route r = SharedRouter.route(pool, "acme");

        assertThat(r.warm()).isFalse();
        assertThat(r.member().state()).isEqualTo(InstanceState.WARM);
        assertThat(pool.sharedWarmMisses()).isEqualTo(1);
    }

    @Test
    void keepWarmPingsReachEveryMemberAndASilentOneIsLost() {
        RegionPool pool = shared(3);
        clock.advance(Duration.ofSeconds(30));
        pool.housekeep();
        assertThat(pool.keepWarmPings()).isEqualTo(3);
        pool.housekeep();
        assertThat(pool.keepWarmPings()).as("not before keepaliveInterval").isEqualTo(3);
        clock.advance(Duration.ofSeconds(30));
        provider.pingFails = true;
        pool.housekeep();
        assertThat(pool.keepWarmPings()).isEqualTo(6);
        assertThat(store.list("compute").stream().filter(i -> i.state() == InstanceState.LOST)).hasSize(3);
    }

    @Test
    void underConcurrentRequestsATenantIsNeverHandedAMemberThatWasAlreadyNotWarm() throws Exception {
        RegionPool pool = shared(6);
        Map<String, Long> lostAt = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService threads = Executors.newFixedThreadPool(5);
        try {
            Future<?> churn = threads.submit(() -> {
                while (!stop.get()) {
                    List<Instance> warm = store.list("compute").stream()
                            .filter(i -> i.state() == InstanceState.WARM).toList();
                    if (warm.size() > 2) {
                        Instance victim = warm.get(ThreadLocalRandom.current().nextInt(warm.size()));
                        long t = System.nanoTime();
                        if (store.transition(victim.id(), InstanceState.WARM, InstanceState.LOST)) {
                            lostAt.put(victim.id(), t);
                        }
                    }
                    pool.housekeep();
                }
            });
            List<Future<List<String>>> callers = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                callers.add(threads.submit(() -> {
                    List<String> violations = new ArrayList<>();
                    for (int n = 0; n < 500; n++) {
                        long started = System.nanoTime();
                        String member = SharedRouter.route(pool, "tenant-" + (n % 17)).member().id();
                        Long lost = lostAt.get(member);
                        if (lost != null && lost < started) {
                            violations.add(member);
                        }
                    }
                    return violations;
                }));
            }
            for (Future<List<String>> f : callers) {
                assertThat(f.get()).isEmpty();
            }
            stop.set(true);
            churn.get();
            assertThat(lostAt).as("the churn really happened").isNotEmpty();
        } finally {
            stop.set(true);
            threads.shutdownNow();
        }
    }
}
