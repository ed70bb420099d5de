package io.warmpool.embedded;

import io.warmpool.ConfigException;
import io.warmpool.InstanceLostException;
import io.warmpool.PoolExhaustedException;
import io.warmpool.process.ProcessTemplate;
import io.warmpool.process.Readiness;
import io.warmpool.process.Reset;
import io.warmpool.testkit.PooledHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.warmpool.testkit.PooledHttpServer.await;
import static io.warmpool.testkit.PooledHttpServer.gone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The library used the way a user would: builder, acquire, release, close; no server, real processes. */
class WarmPoolTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void nothingLeft() {
        http.close();
        assertThat(PooledHttpServer.mentioning(dir.toString())).as("processes left after close").isEmpty();
    }

    private ProcessTemplate server() {
        return ProcessTemplate.builder(PooledHttpServer.command(dir).toArray(String[]::new))
                .readiness(Readiness.http("http://127.0.0.1:{port}/health"))
                .reset(Reset.httpCall("http://127.0.0.1:{port}/reset")).build();
    }

    private String get(URI url) throws Exception {
        return http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void aPoolIsKeptWarmAtMinIdleAndHandsOutStickyInstances() throws Exception {
        Path owned;
        long pid;
        try (WarmPool pool = WarmPool.builder().template(server()).minIdle(2).maxSize(4).build()) {
            assertThat(await(WAIT, () -> pool.status().counts().warm() == 2)).as("%s", pool.status()).isTrue();
            try (Lease lease = pool.acquire("session-1", Duration.ofSeconds(2))) {
                assertThat(lease.warm()).isTrue();
                assertThat(get(lease.url())).contains("\"count\": 1");
                Lease again = pool.acquire("session-1", Duration.ofSeconds(2));
                assertThat(again.instanceId()).isEqualTo(lease.instanceId());
                assertThat(again.created()).isFalse();
                assertThat(get(again.url())).contains("\"count\": 2");
                pid = pool.process("session-1").orElseThrow().pid();
                owned = pool.process("session-1").orElseThrow().dataDir().getParent().getParent();
                // the warm target holds while one is claimed
                assertThat(await(WAIT, () -> pool.status().counts().warm() == 2)).isTrue();
                assertThat(pool.status().counts().claimed()).isEqualTo(1);
            }
            assertThat(await(WAIT, () -> pool.status().counts().claimed() == 0)).isTrue();
            assertThat(pool.release("session-1")).as("released twice").isFalse();
        }
        assertThat(gone(pid)).isTrue();
        assertThat(Files.exists(owned)).as("the pool's temporary directory").isFalse();
    }

    @Test
    void aReleasedInstanceIsResetThenRecycledAfterMaxUses() throws Exception {
        try (WarmPool pool = WarmPool.builder().template(server()).minIdle(1).maxSize(1).maxUses(2).build()) {
            String first;
            long firstPid;
            try (Lease lease = pool.acquire("a", WAIT)) {
                first = lease.instanceId();
                firstPid = pool.process("a").orElseThrow().pid();
                get(lease.url());
                assertThat(get(lease.url())).contains("\"count\": 2");
            }
            try (Lease lease = pool.acquire("b", WAIT)) {
                assertThat(lease.instanceId()).isEqualTo(first);
                assertThat(get(lease.url())).as("reset by its HTTP call").contains("\"count\": 1");
            }
            try (Lease lease = pool.acquire("c", WAIT)) {
                assertThat(lease.instanceId()).as("recycled after maxUses=2").isNotEqualTo(first);
                assertThat(get(lease.url())).contains("\"count\": 1");
            }
            assertThat(gone(firstPid)).isTrue();
        }
    }

    @Test
    void aTemplateThatReplacesAfterEachSessionNeverServesTwice() throws Exception {
        ProcessTemplate replace = ProcessTemplate.builder(PooledHttpServer.command(dir).toArray(String[]::new))
                .reset(Reset.replace()).build();
        try (WarmPool pool = WarmPool.builder().template(replace).minIdle(1).maxSize(2).build()) {
            String first;
            try (Lease lease = pool.acquire("a", WAIT)) {
                first = lease.instanceId();
            }
            try (Lease lease = pool.acquire("b", WAIT)) {
                assertThat(lease.instanceId()).isNotEqualTo(first);
            }
        }
    }

    @Test
    void aKilledProcessIsReplacedAndLeavesNoOrphan() throws Exception {
        try (WarmPool pool = WarmPool.builder().template(server()).minIdle(2).maxSize(4).build()) {
            assertThat(await(WAIT, () -> pool.status().counts().warm() == 2)).isTrue();
            Lease lease = pool.acquire("held", WAIT);
            long pid = pool.process("held").orElseThrow().pid();
            Path data = pool.process("held").orElseThrow().dataDir();
            new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
            assertThat(await(WAIT, () -> pool.status().counts().lost() == 1)).as("%s", pool.status()).isTrue();
            assertThatThrownBy(() -> pool.acquire("held", WAIT)).isInstanceOf(InstanceLostException.class);
            // its group and files go at once, while the session still holds the LOST instance
            assertThat(await(WAIT, () -> !Files.exists(data))).isTrue();
            lease.close();
            assertThat(await(WAIT, () -> pool.status().counts().lost() == 0)).isTrue();
            // its group (the wrapper shell) went with it; the pool is warm again without it
            assertThat(await(WAIT, () -> pool.status().counts().warm() == 2)).isTrue();
            assertThat(pool.pids()).doesNotContain(pid).hasSize(2);
            assertThat(PooledHttpServer.mentioning(dir.toString())).hasSize(2 * 2); // two servers, each in its wrapper
        }
    }

    @Test
    void aProcessThatNeverBecomesReadyBacksOffWithItsReasonInTheStatus() {
        ProcessTemplate stuck = ProcessTemplate.builder("sh", "-c", "echo starting " + dir + "; sleep 300")
                .readiness(Readiness.outputLine("ready")).startTimeout(Duration.ofMillis(300)).build();
        try (WarmPool pool = WarmPool.builder().template(stuck).minIdle(1).maxSize(2).build()) {
            assertThat(await(WAIT, () -> pool.status().startsFailed() >= 2)).isTrue();
            PoolStatus status = pool.status();
            assertThat(status.lastStartFailure()).contains("not ready within 300 ms").contains("starting");
            assertThat(status.counts().warm()).isZero();
            assertThat(await(WAIT, () -> pool.status().backingOffUntil() != null)).isTrue();
            assertThatThrownBy(() -> pool.acquire("s", Duration.ofMillis(200)))
                    .isInstanceOf(PoolExhaustedException.class).hasMessageContaining("no instance after 200ms")
                    .hasMessageContaining("warm=0");
        }
    }

    @Test
    void manyCallersNeverHoldOneInstanceTwice() throws Exception {
        java.util.Map<String, String> holders = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicInteger doubles = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger served = new java.util.concurrent.atomic.AtomicInteger();
        try (WarmPool pool = WarmPool.builder().template(server()).minIdle(3).maxSize(3).build();
             var callers = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < 12; c++) {
                int caller = c;
                callers.execute(() -> {
                    for (int round = 0; round < 5; round++) {
                        String session = "c" + caller + "-" + round;
                        try (Lease lease = pool.acquire(session, WAIT)) {
                            if (holders.putIfAbsent(lease.instanceId(), session) != null) {
                                doubles.incrementAndGet();
                            }
                            served.incrementAndGet();
                            holders.remove(lease.instanceId(), session);
                        }
                    }
                });
            }
            callers.shutdown();
            assertThat(callers.awaitTermination(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        assertThat(doubles.get()).isZero();
        assertThat(served.get()).isEqualTo(60);
    }

    @Test
    void closingWhileStartsAreUnderWayLeavesNothingAndDoesNotWaitForTheirTimeout() {
        ProcessTemplate slow = ProcessTemplate.builder("sh", "-c", "echo " + dir + "; sleep 300")
                .readiness(Readiness.outputLine("never")).startTimeout(Duration.ofSeconds(60)).build();
        WarmPool pool = WarmPool.builder().template(slow).minIdle(2).maxSize(2).build();
        assertThat(await(WAIT, () -> PooledHttpServer.mentioning(dir.toString()).size() >= 2)).isTrue();
        long t0 = System.nanoTime();
        pool.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void badSettingsNameTheFieldAndValue() {
        assertThatThrownBy(() -> WarmPool.builder().template(server()).minIdle(9).maxSize(4).build())
                .isInstanceOf(ConfigException.class).hasMessage("minIdle must be <= maxSize (minIdle=9, maxSize=4)");
        assertThatThrownBy(() -> WarmPool.builder().build()).hasMessage("template must be set (template=null)");
        assertThatThrownBy(() -> WarmPool.builder().template(server()).heartbeatInterval(Duration.ZERO).build())
                .hasMessageContaining("heartbeatInterval must be a positive duration");
        assertThatThrownBy(() -> WarmPool.builder().template(server()).maxSize(4)
                .sizing(io.warmpool.core.sizing.SizingSettings.fixed(6)).build())
                .hasMessageContaining("pool.sizing.policy N must be <= maxSize").hasMessageContaining("maxSize=4");
        assertThatThrownBy(() -> WarmPool.builder().template(server()).maxUses(0).build())
                .hasMessage("pool.maxUses must be >= 1 (maxUses=0)");
    }
}
