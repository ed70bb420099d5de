package io.warmpool.core;

import io.warmpool.HeartbeatReport;
import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.testkit.InMemoryInstanceStore;
import io.warmpool.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.lang.reflect.Proxy;
import io.warmpool.spi.InstanceStore;

import static org.assertj.core.api.Assertions.assertThat;

class HeartbeatBatchWriterTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));

    private HeartbeatReport report(String id, boolean alive, int secondsLater) {
        Instant at = clock.instant().plusSeconds(secondsLater);
        return new HeartbeatReport(id, "agent-1", alive, at, clock.instant());
    }

    /** One agent-less instance's report: written on the instance's own row. */
    private HeartbeatReport agentless(String id, boolean alive, int secondsLater) {
        Instant at = clock.instant().plusSeconds(secondsLater);
        return new HeartbeatReport(id, null, alive, at, clock.instant());
    }

    /**
     * A store whose applyBeats first runs {@code hook} with the rows of the write, agent beats then instance reports
     * (which may throw), then the real one.
     */
    private static InstanceStore intercepting(InstanceStore real, Function<List<Object>, Void> hook) {
        return (InstanceStore) Proxy.newProxyInstance(InstanceStore.class.getClassLoader(),
                new Class<?>[]{InstanceStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("applyBeats")) {
                        List<Object> rows = new ArrayList<>((Collection<?>) args[0]);
                        rows.addAll((Collection<?>) args[1]);
                        hook.apply(rows);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void reportsAreCoalescedByInstanceLatestWinsAndADeathIsNeverUndone() {
        PendingBeats pending = new PendingBeats(0);
        for (HeartbeatReport r : List.of(agentless("a", true, 1), agentless("b", true, 1), agentless("a", true, 5),
                agentless("b", false, 2), agentless("b", true, 9))) {
            pending.add(r);
        }

        List<HeartbeatReport> out = pending.due(false).instances();

        assertThat(out).hasSize(2);
        assertThat(out.get(0).at()).isEqualTo(clock.instant().plusSeconds(5));
        assertThat(out.get(1).alive()).isFalse();
    }

    @Test
    void anAgentsAliveReportsBecomeOneBeatAndItsDeathsStayPerInstance() {
        PendingBeats pending = new PendingBeats(0);
        for (int i = 0; i < 100; i++) {
            pending.add(report("i" + i, true, i % 7));
        }
        pending.add(report("i3", false, 2));
        pending.add(new HeartbeatReport("j1", "agent-2", true, clock.instant().plusSeconds(1), clock.instant()));

        PendingBeats.Due due = pending.due(false);

        assertThat(due.agents()).extracting(io.warmpool.AgentBeat::agentId).containsExactly("agent-1", "agent-2");
        assertThat(due.agents().get(0).at()).as("the latest of the agent's reports").isEqualTo(clock.instant()
                .plusSeconds(6));
        assertThat(due.instances()).extracting(HeartbeatReport::instanceId).containsExactly("i3");
        assertThat(due.rows()).isEqualTo(3);
    }

    @Test
    void anAgentsBeatKeepsAllItsInstancesFreshWithoutWritingTheirRows() throws Exception {
        InMemoryInstanceStore store = new InMemoryInstanceStore();
        Instant start = clock.instant();
        for (String id : List.of("i1", "i2", "i3")) {
            store.insert(Instance.starting(id, "weur", "browser", "weur-a", "agent-1", "1", start,
                    start.plusSeconds(600)));
        }
        store.insert(Instance.starting("other", "weur", "browser", "weur-a", "agent-2", "1", start,
                start.plusSeconds(600)));
        BoundedHeartbeatQueue queue = new BoundedHeartbeatQueue(10, System::nanoTime);
        HeartbeatBatchWriter writer = new HeartbeatBatchWriter("weur", queue, store, 100, Duration.ofMillis(5), 1);

        queue.offer(report("i1", true, 20));
        queue.offer(report("i2", true, 20));
        writer.runOnce();

        assertThat(writer.rowsWritten()).as("one agent row for two reports").isEqualTo(1);
        assertThat(store.find("i3").orElseThrow().heartbeatAt()).as("no instance row written").isEqualTo(start);
        assertThat(store.markLost("browser", start.plusSeconds(20))).extracting(Instance::id)
                .as("the agent's instances are fresh, even the one it did not list; the other agent's is not")
                .containsExactly("other");
    }

    @Test
    void withoutABacklogEachBatchIsAtMostBatchSizeAndIsWrittenInOneCall() throws Exception {
        List<Integer> calls = new ArrayList<>();
        InstanceStore store = intercepting(new InMemoryInstanceStore(), reports -> {
            calls.add(reports.size());
            return null;
        });
        BoundedHeartbeatQueue queue = new BoundedHeartbeatQueue(1000, System::nanoTime);
        HeartbeatBatchWriter writer = new HeartbeatBatchWriter("weur", queue, store, 100, Duration.ofMillis(10), 1);
        for (int i = 0; i < 250; i++) {
            queue.offer(agentless("i" + i, true, 0));
            if (i == 149 || i == 249) { // a batch and a half waiting: the full one alone, then the rest
                writer.runOnce();
            }
        }
        writer.runOnce();

        assertThat(calls).containsExactly(100, 100, 50);
        assertThat(writer.reportsWritten()).isEqualTo(250);
        assertThat(queue.size()).isZero();
    }

    @Test
    void heartbeatsRefreshTheirInstancesInTheStore() throws Exception {
        InMemoryInstanceStore store = new InMemoryInstanceStore();
        Instant start = clock.instant();
        store.insert(Instance.starting("i1", "weur", "browser", "weur-a", "agent-1", "1", start, start.plusSeconds(600)));
        BoundedHeartbeatQueue queue = new BoundedHeartbeatQueue(10, System::nanoTime);
        HeartbeatBatchWriter writer = new HeartbeatBatchWriter("weur", queue, store, 100, Duration.ofMillis(5), 1);

        queue.offer(agentless("i1", true, 7));
        writer.runOnce();

        assertThat(store.find("i1").orElseThrow().heartbeatAt()).isEqualTo(start.plusSeconds(7));
        queue.offer(report("i1", false, 8));
        writer.runOnce();
        assertThat(store.find("i1").orElseThrow().state()).isEqualTo(InstanceState.LOST);
    }

    @Test
    void whileTheStoreIsUnwritableReportsAreHeldCoalescedAndWrittenWhenItIsBack() throws Exception {
        List<Integer> attempts = new ArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        InMemoryInstanceStore real = new InMemoryInstanceStore();
        Instant start = clock.instant();
        real.insert(Instance.starting("a", "weur", "browser", "weur-a", "agent-1", "1", start, start.plusSeconds(600)));
        InstanceStore store = intercepting(real, reports -> {
            attempts.add(reports.size());
            if (down.get()) {
                throw new io.warmpool.StoreException("disk full", "SQLITE_FULL", null);
            }
            return null;
        });
        BoundedHeartbeatQueue queue = new BoundedHeartbeatQueue(10, System::nanoTime);
        HeartbeatBatchWriter writer = new HeartbeatBatchWriter("weur", queue, store, 100, Duration.ofMillis(5), 1);

        queue.offer(report("a", true, 1));
        writer.runOnce();
        assertThat(attempts).as("one try and one retry").hasSize(2);
        assertThat(writer.storeDown()).isTrue();
        assertThat(writer.held()).isEqualTo(1);
        assertThat(writer.reportsDropped()).isZero();
        assertThat(queue.lag(clock.instant().plusSeconds(3))).as("held reports still count as lag")
                .isEqualTo(Duration.ofSeconds(3));

        queue.offer(report("a", true, 4));
        writer.runOnce();
        assertThat(writer.held()).as("coalesced by instance").isEqualTo(1);

        down.set(false);
        writer.runOnce();
        assertThat(writer.storeDown()).isFalse();
        assertThat(writer.held()).isZero();
        assertThat(writer.reportsWritten()).isEqualTo(2);
        assertThat(real.markLost(null, start.plusSeconds(4))).as("the agent's beat at +4 s was written").isEmpty();
        assertThat(queue.lag(clock.instant().plusSeconds(3))).isZero();
    }

    @Test
    void lagIsTheAgeOfTheOldestReportNotYetWritten() {
        BoundedHeartbeatQueue queue = new BoundedHeartbeatQueue(10, System::nanoTime);
        assertThat(queue.lag(clock.instant())).isZero();

        queue.offer(report("a", true, 0));
        clock.advance(Duration.ofMillis(1500));
        queue.offer(report("b", true, 0));

        assertThat(queue.lag(clock.instant())).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void aFullQueueRefusesReports() {
        BoundedHeartbeatQueue queue = new BoundedHeartbeatQueue(2, System::nanoTime);
        assertThat(queue.offer(report("a", true, 0))).isTrue();
        assertThat(queue.offer(report("b", true, 0))).isTrue();
        assertThat(queue.offer(report("c", true, 0))).isFalse();
    }

    @Test
    void withRefreshAfterARecentHeartbeatIsNotRewrittenButADeathAlwaysIs() throws Exception {
        InMemoryInstanceStore real = new InMemoryInstanceStore();
        real.insert(Instance.starting("a", "weur", "browser", "z", "agent-1", "v", clock.instant(),
                clock.instant().plusSeconds(3600)));
        List<Integer> rows = new ArrayList<>();
        InstanceStore store = intercepting(real, reports -> {
            rows.add(reports.size());
            return null;
        });
        BoundedHeartbeatQueue queue = new BoundedHeartbeatQueue(100, System::nanoTime);
        HeartbeatBatchWriter writer = new HeartbeatBatchWriter("weur", queue, store, 10, Duration.ofMillis(1), 0,
                Duration.ofSeconds(8));

        for (int seconds : new int[] {0, 5, 10, 15}) {
            queue.offer(report("a", true, seconds));
            writer.runOnce();
        }
        queue.offer(report("a", false, 16));
        writer.runOnce();

        assertThat(writer.reportsWritten()).as("every report is absorbed").isEqualTo(5);
        assertThat(writer.rowsWritten()).as("t=0, t=10 and the death").isEqualTo(3);
        assertThat(rows).containsExactly(1, 1, 1);
        assertThat(real.find("a").orElseThrow().state()).isEqualTo(InstanceState.LOST);
        assertThat(real.find("a").orElseThrow().heartbeatAt()).isEqualTo(clock.instant().plusSeconds(16));
        assertThat(queue.lag(clock.instant().plusSeconds(20))).as("everything acknowledged").isZero();
    }

    @Test
    void behindABacklogOneWriteTakesSeveralBatchesAndNoMoreThanWaitFullyBehindIt() throws Exception {
        InMemoryInstanceStore real = new InMemoryInstanceStore();
        List<Integer> writes = new ArrayList<>();
        InstanceStore store = intercepting(real, rows -> {
            writes.add(rows.size());
            return null;
        });
        BoundedHeartbeatQueue queue = new BoundedHeartbeatQueue(10_000, System::nanoTime);
        HeartbeatBatchWriter writer = new HeartbeatBatchWriter("weur", queue, store, 100, Duration.ofMillis(1), 0);
        for (int i = 0; i < 350; i++) { // 3.5 batches: three full ones go together, the half one waits
            queue.offer(new HeartbeatReport("i" + i, "agent-" + (i / 100), true, clock.instant(), clock.instant()));
        }

        assertThat(writer.runOnce()).isEqualTo(300);
        assertThat(writes).as("one transaction, one agent row per agent").containsExactly(3);
        assertThat(queue.size()).isEqualTo(50);
        assertThat(queue.lag(clock.instant().plusSeconds(1))).as("the rest is still waiting").isPositive();

        for (int i = 0; i < 100 * HeartbeatBatchWriter.MAX_BATCHES_PER_WRITE + 50; i++) {
            queue.offer(new HeartbeatReport("j" + i, "agent-x", true, clock.instant(), clock.instant()));
        }
        assertThat(writer.runOnce()).as("at most MAX_BATCHES_PER_WRITE batches")
                .isEqualTo(100 * HeartbeatBatchWriter.MAX_BATCHES_PER_WRITE);
        assertThat(writer.reportsWritten()).isEqualTo(300 + 100L * HeartbeatBatchWriter.MAX_BATCHES_PER_WRITE);
    }
}
