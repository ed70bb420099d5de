package io.warmpool.core;

import io.warmpool.Instance;
import io.warmpool.InstanceLostException;
import io.warmpool.InstanceState;
import io.warmpool.PoolExhaustedException;
import io.warmpool.testkit.InMemoryInstanceStore;
import io.warmpool.testkit.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegionPoolTest {
    private static final Duration KEEP = Duration.ofSeconds(60);

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
        return PoolSettings.builder("browser").minIdle(2).maxSize(4).acquireTimeout(Duration.ofMillis(200));
    }

    @Test
    void aWarmInstanceIsClaimedAtOnce() {
        RegionPool pool = pool(settings().build());
        pool.housekeep();

        Lease lease = pool.acquire("s1", KEEP);

        assertThat(lease.warm()).isTrue();
        assertThat(lease.created()).isTrue();
        assertThat(lease.instance().state()).isEqualTo(InstanceState.CLAIMED);
        assertThat(lease.instance().sessionId()).isEqualTo("s1");
        assertThat(pool.counts().claimed()).isEqualTo(1);
    }

    @Test
    void theSameSessionIdGetsTheSameInstance() {
        RegionPool pool = pool(settings().build());
        pool.housekeep();

        Lease first = pool.acquire("s1", KEEP);
        Lease again = pool.acquire("s1", KEEP);

        assertThat(again.instance().id()).isEqualTo(first.instance().id());
        assertThat(again.created()).isFalse();
        assertThat(pool.counts().claimed()).isEqualTo(1);
    }

    @Test
    void anAcquireBeyondTheWarmSetIsServedColdByAStart() {
        RegionPool pool = pool(settings().minIdle(1).build());
        pool.housekeep();
        pool.acquire("s1", KEEP);

        Lease cold = pool.acquire("s2", KEEP);

        assertThat(cold.warm()).isFalse();
        assertThat(cold.instance().id()).isNotEqualTo(pool.find("s1").orElseThrow().id());
        assertThat(provider.started).as("one for the waiting caller, one to restore minIdle").hasSize(3);
    }

    @Test
    void anExhaustedPoolFailsAfterAcquireTimeoutNamingItsCounts() {
        RegionPool pool = pool(settings().minIdle(1).maxSize(1).build());
        pool.housekeep();
        pool.acquire("s1", KEEP);

        assertThatThrownBy(() -> pool.acquire("s2", KEEP))
                .isInstanceOf(PoolExhaustedException.class)
                .hasMessageContaining("browser/weur - no instance after 200ms")
                .hasMessageContaining("claimed=1")
                .hasMessageContaining("maxSize=1");
        assertThat(pool.exhaustedCount()).isEqualTo(1);
    }

    @Test
    void aReleasedSessionIsResetAndItsInstanceIsWarmAgain() {
        RegionPool pool = pool(settings().minIdle(1).build());
        pool.housekeep();
        Instance held = pool.acquire("s1", KEEP).instance();

        assertThat(pool.release("s1", false)).isTrue();

        assertThat(provider.reset).containsExactly(held.id());
        assertThat(store.find(held.id()).orElseThrow().state()).isEqualTo(InstanceState.WARM);
        assertThat(pool.find("s1")).isEmpty();
        assertThat(pool.release("s1", false)).as("releasing twice is not an error").isFalse();
    }

    @Test
    void anInstanceThatFailsItsResetIsStoppedNotReturnedDirty() {
        RegionPool pool = pool(settings().minIdle(1).build());
        pool.housekeep();
        Instance held = pool.acquire("s1", KEEP).instance();
        provider.resetFails = true;

        pool.release("s1", false);

        assertThat(provider.stopped).containsExactly(held.id());
        assertThat(store.find(held.id())).isEmpty();
    }

    @Test
    void anInstanceAtMaxUsesIsRecycledOnRelease() {
        RegionPool pool = pool(settings().minIdle(1).maxUses(2).build());
        pool.housekeep();
        Instance first = pool.acquire("s1", KEEP).instance();
        pool.release("s1", true);
        Instance second = pool.acquire("s2", KEEP).instance();
        assertThat(second.id()).isEqualTo(first.id());

        pool.release("s2", true);

        assertThat(provider.stopped).containsExactly(first.id());
        assertThat(store.find(first.id())).isEmpty();
    }

    @Test
    void aSessionWhoseInstanceWasLostIsToldSo() {
        RegionPool pool = pool(settings().minIdle(1).build());
        pool.housekeep();
        Instance held = pool.acquire("s1", KEEP).instance();
        store.transition(held.id(), InstanceState.CLAIMED, InstanceState.LOST);

        assertThatThrownBy(() -> pool.acquire("s1", KEEP)).isInstanceOf(InstanceLostException.class)
                .hasMessageContaining(held.id());
        assertThat(pool.release("s1", false)).isTrue();
        assertThat(store.find(held.id())).isEmpty();
    }

    @Test
    void beyondTheWaitQueueBoundACallerIsRefusedAtOnce() throws Exception {
        provider.startGate = new java.util.concurrent.CountDownLatch(1);
        RegionPool pool = new RegionPool("weur", settings().minIdle(0).maxSize(1).maxWaiting(1)
                .acquireTimeout(Duration.ofSeconds(5)).build(), store, provider, clock, System::nanoTime, virtual);
        java.util.concurrent.Future<Lease> waiter = virtual.submit(() -> pool.acquire("w1", KEEP));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (pool.waiting() < 1 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }

        long t0 = System.nanoTime();
        assertThatThrownBy(() -> pool.acquire("w2", KEEP)).isInstanceOf(PoolExhaustedException.class)
                .hasMessageContaining("wait queue full");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("refused at once, not after acquireTimeout")
                .isLessThan(Duration.ofSeconds(4));

        provider.startGate.countDown();
        assertThat(waiter.get().instance().sessionId()).isEqualTo("w1");
    }
}
