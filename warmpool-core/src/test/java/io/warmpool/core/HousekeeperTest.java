package io.warmpool.core;

import io.warmpool.HeartbeatReport;
import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.testkit.InMemoryInstanceStore;
import io.warmpool.testkit.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

class HousekeeperTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));
    private final InMemoryInstanceStore store = new InMemoryInstanceStore();
    private final FakeProvider provider = new FakeProvider();
    private final ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stopTasks() {
        virtual.shutdownNow();
    }

    private RegionPool pool(PoolSettings settings) {
        return new RegionPool("weur", settings, store, provider, clock, System::nanoTime, Runnable::run);
    }

    private static PoolSettings.Builder settings() {
        return PoolSettings.builder("browser").minIdle(3).maxSize(5).staleAfter(Duration.ofSeconds(15));
    }

    @Test
    void itStartsInstancesUntilMinIdleAreWarm() {
        RegionPool pool = pool(settings().build());

        Housekeeper.Run run = pool.housekeep();

        assertThat(run.started()).isEqualTo(3);
        assertThat(pool.counts().warm()).isEqualTo(3);
        assertThat(pool.housekeep().started()).as("a full pool starts nothing").isZero();
    }

    @Test
    void placementsRefusedByTheProviderUseUpNoStartSlot() {
        RegionPool pool = pool(settings().startParallelism(2).build());
        provider.failNextPlacements.set(5);
        for (int i = 0; i < 5; i++) {
            try {
                pool.housekeep();
            } catch (io.warmpool.ProviderException expected) {
                // no agent had room: the round fails, and the next one tries again
            }
        }

        pool.housekeep();

        assertThat(pool.counts().warm()).as("starts resume once the provider has room").isEqualTo(3);
    }

    @Test
    void callersWaitingAtOnceNeverStartPastMaxSize() throws Exception {
        for (int round = 0; round < 40; round++) {
            InMemoryInstanceStore shared = new InMemoryInstanceStore();
            // starts are recorded (STARTING rows) but never finish, so every caller sees the gap still open
            RegionPool pool = new RegionPool("weur", settings().minIdle(0).maxSize(1).build(), shared, provider, clock,
                    System::nanoTime, task -> { });
            java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(8);
            List<java.util.concurrent.Future<?>> callers = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                callers.add(virtual.submit(() -> {
                    together.await();
                    pool.enterWaiting();
                    return null;
                }));
            }
            for (var f : callers) {
                f.get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
            assertThat(pool.counts().live()).as("round %d: instances started for 8 callers at once", round)
                    .isEqualTo(1);
        }
    }

    @Test
    void itNeverGoesPastMaxSize() {
        RegionPool pool = pool(settings().minIdle(3).maxSize(4).build());
        pool.housekeep();
        pool.acquire("a", Duration.ofMinutes(1));
        pool.acquire("b", Duration.ofMinutes(1));

        pool.housekeep();

        assertThat(pool.counts().live()).isEqualTo(4);
        assertThat(pool.counts().warm()).isEqualTo(2);
    }

    @Test
    void itStartsAtMostStartParallelismAtOnce() throws Exception {
        provider.startGate = new CountDownLatch(1);
        RegionPool pool = new RegionPool("weur", settings().minIdle(5).startParallelism(2).build(), store, provider,
                clock, System::nanoTime, virtual);

        int launched = pool.housekeep().started();
        assertThat(launched).isEqualTo(2);
        assertThat(pool.counts().starting()).isEqualTo(2);
        provider.startGate.countDown();
        awaitWarm(pool, 2);

        pool.housekeep();
        awaitWarm(pool, 4);
        assertThat(provider.maxConcurrentStarts.get()).isLessThanOrEqualTo(2);
    }

    @Test
    void aRoundThatCountsAStartWarmMayStartAnotherInItsSlot() throws Exception {
        List<Integer> startedByRoundsAtWarm = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicReference<RegionPool> poolRef = new java.util.concurrent.atomic.AtomicReference<>();
        io.warmpool.testkit.ForwardingInstanceStore watched = new io.warmpool.testkit.ForwardingInstanceStore(
                new InMemoryInstanceStore()) {
            @Override
            public boolean markWarm(String instanceId, String cdpUrl, String agentUrl, Instant now) {
                boolean warm = super.markWarm(instanceId, cdpUrl, agentUrl, now);
                // a round run the moment an instance shows warm, as the housekeeper's own rounds may
                startedByRoundsAtWarm.add(poolRef.get().housekeep().started());
                return warm;
            }
        };
        RegionPool pool = new RegionPool("weur", settings().minIdle(2).startParallelism(1).build(), watched, provider,
                clock, System::nanoTime, virtual);
        poolRef.set(pool);
        provider.startGate = new CountDownLatch(1);

        assertThat(pool.housekeep().started()).isEqualTo(1);
        provider.startGate.countDown();
        awaitWarm(pool, 2);

        assertThat(startedByRoundsAtWarm).as("the first start's slot is free once it counts as warm")
                .startsWith(1);
        assertThat(pool.counts().live()).as("and nothing is started past minIdle").isEqualTo(2);
    }

    @Test
    void failedStartsBackOffExponentially() {
        provider.failNextStarts.set(2);
        RegionPool pool = pool(settings().minIdle(1).startParallelism(1).build());

        assertThat(pool.housekeep().started()).isEqualTo(1);
        assertThat(pool.counts().total()).as("the failed start leaves no row").isZero();
        assertThat(pool.housekeep().started()).as("inside the 250 ms back-off").isZero();
        assertThat(pool.startsBackingOffUntil()).contains(clock.instant().plusMillis(250));

        clock.advance(Duration.ofMillis(250));
        assertThat(pool.housekeep().started()).isEqualTo(1); // fails again, back-off now 500 ms
        clock.advance(Duration.ofMillis(300));
        assertThat(pool.housekeep().started()).as("back-off doubled").isZero();
        clock.advance(Duration.ofMillis(200));
        assertThat(pool.housekeep().started()).isEqualTo(1);
        assertThat(pool.counts().warm()).isEqualTo(1);
        assertThat(pool.startsBackingOffUntil()).as("a success ends the back-off").isEmpty();
    }

    @Test
    void instancesWithoutHeartbeatsBecomeLostAndAreReplaced() {
        RegionPool pool = pool(settings().minIdle(2).build());
        pool.housekeep();
        List<Instance> first = store.list("browser");
        Instance kept = first.get(0);

        clock.advance(Duration.ofSeconds(10));
        store.applyHeartbeats(List.of(new HeartbeatReport(kept.id(), "agent-1", true, clock.instant(), clock.instant())));
        clock.advance(Duration.ofSeconds(6));
        Housekeeper.Run run = pool.housekeep();

        assertThat(run.lost()).isGreaterThanOrEqualTo(1);
        assertThat(provider.stopped).containsExactly(first.get(1).id());
        assertThat(store.find(first.get(1).id())).isEmpty();
        assertThat(store.find(kept.id()).orElseThrow().state()).isEqualTo(InstanceState.WARM);
        assertThat(pool.counts().warm()).as("replaced").isEqualTo(2);
    }

    @Test
    void eachLostInstanceIsReportedOnceWhenItIsRetired() {
        java.util.concurrent.atomic.AtomicInteger lost = new java.util.concurrent.atomic.AtomicInteger();
        RegionPool pool = new RegionPool("weur", settings().minIdle(2).build(), store, provider, clock, System::nanoTime,
                Runnable::run, null, new io.warmpool.spi.PoolMetrics() {
                    @Override
                    public void lost(String region, String p, int count) {
                        assertThat(region + "/" + p).isEqualTo("weur/browser");
                        lost.addAndGet(count);
                    }
                });
        pool.housekeep();
        clock.advance(Duration.ofSeconds(16));
        pool.housekeep();
        assertThat(lost.get()).as("both went silent").isEqualTo(2);
        pool.housekeep();
        assertThat(lost.get()).as("not again").isEqualTo(2);
    }

    @Test
    void aDeadReportMakesAnInstanceLostAtOnce() {
        RegionPool pool = pool(settings().minIdle(1).build());
        pool.housekeep();
        Instance dead = store.list("browser").get(0);

        store.applyHeartbeats(List.of(new HeartbeatReport(dead.id(), "agent-1", false, clock.instant(), clock.instant())));
        pool.housekeep();

        assertThat(store.find(dead.id())).isEmpty();
        assertThat(pool.counts().warm()).isEqualTo(1);
    }

    @Test
    void idleSessionsExpireAndTheirInstancesComeBack() {
        RegionPool pool = pool(settings().minIdle(1).build());
        pool.housekeep();
        Instance held = pool.acquire("s1", Duration.ofSeconds(30)).instance();

        clock.advance(Duration.ofSeconds(29));
        beat(held);
        assertThat(pool.housekeep().expired()).isZero();
        clock.advance(Duration.ofSeconds(2));
        beat(held);
        assertThat(pool.housekeep().expired()).isEqualTo(1);

        assertThat(pool.find("s1")).isEmpty();
        assertThat(store.find(held.id()).orElseThrow().state()).isEqualTo(InstanceState.WARM);
    }

    @Test
    void idleInstancesPastTheirLifetimeAreRecycled() {
        RegionPool pool = pool(settings().minIdle(1).maxLifetime(Duration.ofMinutes(10))
                .staleAfter(Duration.ofHours(1)).build());
        pool.housekeep();
        Instance old = store.list("browser").get(0);
        assertThat(old.retireAt()).isBetween(clock.instant().plus(Duration.ofSeconds(585)),
                clock.instant().plus(Duration.ofMinutes(10)));

        clock.advance(Duration.ofMinutes(10));
        Housekeeper.Run run = pool.housekeep();

        assertThat(run.recycled()).isEqualTo(1);
        assertThat(provider.stopped).containsExactly(old.id());
        assertThat(pool.counts().warm()).isEqualTo(1);
    }

    private void beat(Instance instance) {
        store.applyHeartbeats(List.of(new HeartbeatReport(instance.id(), "agent-1", true, clock.instant(), clock.instant())));
    }

    private static void awaitWarm(RegionPool pool, int warm) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (pool.counts().warm() < warm && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            Thread.yield();
        }
        assertThat(pool.counts().warm()).isGreaterThanOrEqualTo(warm);
    }
}
