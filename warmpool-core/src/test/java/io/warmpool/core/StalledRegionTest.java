package io.warmpool.core;

import io.warmpool.Instance;
import io.warmpool.testkit.ForwardingInstanceStore;
import io.warmpool.testkit.InMemoryInstanceStore;
import io.warmpool.testkit.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Each region housekeeps on its own thread: a store that hangs in one region does not hold up another. */
class StalledRegionTest {

    @Test
    @Timeout(30)
    void aStalledStoreInOneRegionDoesNotDelayAnotherRegionsHousekeeping() throws Exception {
        MutableClock clock = new MutableClock();
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch unstall = new CountDownLatch(1);
        ForwardingInstanceStore stuck = new ForwardingInstanceStore(new InMemoryInstanceStore()) {
            @Override
            public List<Instance> markLost(String pool, Instant staleBefore) { // a housekeeping round's first read
                stalled.countDown();
                try {
                    unstall.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.markLost(pool, staleBefore);
            }
        };
        CountDownLatch fineWarm = new CountDownLatch(2);
        ForwardingInstanceStore fine = new ForwardingInstanceStore(new InMemoryInstanceStore()) {
            @Override
            public boolean markWarm(String instanceId, String cdpUrl, String agentUrl, Instant now) {
                boolean warm = super.markWarm(instanceId, cdpUrl, agentUrl, now);
                fineWarm.countDown();
                return warm;
            }
        };
        ShardSettings settings = new ShardSettings(100, 10, Duration.ofMillis(50), 0, Duration.ofMillis(20));
        List<PoolSettings> pools = List.of(PoolSettings.builder("browser").minIdle(2).maxSize(2).build());
        ExecutorService tasks = Executors.newVirtualThreadPerTaskExecutor();
        RegionShard a = new RegionShard("stuck", stuck, new FakeProvider(), pools, settings, clock, System::nanoTime,
                tasks);
        RegionShard b = new RegionShard("fine", fine, new FakeProvider(), pools, settings, clock, System::nanoTime,
                tasks);
        try {
            a.start();
            assertThat(stalled.await(10, TimeUnit.SECONDS)).as("region 'stuck' is inside its store").isTrue();
            b.start();

            assertThat(fineWarm.await(10, TimeUnit.SECONDS)).as("region 'fine' kept its warm target").isTrue();
            assertThat(unstall.getCount()).as("while 'stuck' was still stalled").isEqualTo(1);
            assertThat(b.pool("browser").counts().warm()).isEqualTo(2);
        } finally {
            unstall.countDown();
            a.close();
            b.close();
            tasks.shutdownNow();
        }
    }
}
