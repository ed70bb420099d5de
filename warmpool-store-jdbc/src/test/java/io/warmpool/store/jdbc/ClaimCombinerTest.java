package io.warmpool.store.jdbc;

import io.warmpool.ClaimRequest;
import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.PoolExhaustedException;
import io.warmpool.StoreException;
import io.warmpool.testkit.PooledHttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The combiner's own logic, with a runner that records batches instead of a database (the real stores are in
 * {@link GroupCommitContract}): waiters get the answers of their batch, a session id appears once per batch, a full
 * queue refuses claims at once and lets releases run alone, and closing answers whatever is still queued.
 */
class ClaimCombinerTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    @Timeout(20)
    void aFullQueueRefusesAClaimAtOnceAndHandsAReleaseBackToRunAlone() throws Exception {
        BlockingRunner runner = new BlockingRunner();
        try (ClaimCombiner combiner = new ClaimCombiner("test", runner, 1, 64, 2); Release release = runner::release) {
            CompletableFuture<Optional<Instance>> first = async(() -> combiner.claim(claim("s-0")));
            assertThat(runner.entered.await(10, TimeUnit.SECONDS)).isTrue(); // its batch is running, and blocked
            List<CompletableFuture<Optional<Instance>>> queued = new ArrayList<>();
            for (int i = 1; i <= 2; i++) {
                String session = "s-" + i;
                queued.add(async(() -> combiner.claim(claim(session))));
            }
            assertThat(PooledHttpServer.await(Duration.ofSeconds(10), () -> combiner.queued() == 2)).isTrue();

            assertThatThrownBy(() -> combiner.claim(claim("s-3")))
                    .isInstanceOf(PoolExhaustedException.class)
                    .hasMessageContaining("at most 2")
                    .satisfies(e -> assertThat(((PoolExhaustedException) e).retryAfter()).isPositive());
            assertThat(combiner.release("s-4", InstanceState.WARM)).isNull(); // the caller releases alone: never lost

            runner.release();
            assertThat(first.get(10, TimeUnit.SECONDS)).map(Instance::sessionId).contains("s-0");
            for (int i = 0; i < queued.size(); i++) {
                assertThat(queued.get(i).get(10, TimeUnit.SECONDS)).map(Instance::sessionId).contains("s-" + (i + 1));
            }
        }
    }

    @Test
    @Timeout(20)
    void aFailedBatchGivesEveryWaiterTheErrorAndAConflictRunsEachOperationAlone() throws Exception {
        List<List<String>> batches = new CopyOnWriteArrayList<>();
        List<String> alone = new CopyOnWriteArrayList<>();
        ClaimCombiner.Runner failing = new ClaimCombiner.Runner() {
            @Override
            public void runBatch(List<ClaimCombiner.Op> ops) {
                batches.add(ops.stream().map(op -> op.sessionId).toList());
                String state = ops.stream().anyMatch(op -> op.sessionId.startsWith("conflict")) ? "23505" : "08006";
                throw new StoreException("batch failed", state, null);
            }

            @Override
            public Optional<Instance> runOne(ClaimCombiner.Op op) {
                alone.add(op.sessionId);
                return Optional.of(instance(op.sessionId));
            }
        };
        try (ClaimCombiner combiner = new ClaimCombiner("test", failing, 1, 64, 16)) {
            assertThatThrownBy(() -> combiner.claim(claim("broken")))
                    .isInstanceOf(StoreException.class)
                    .satisfies(e -> assertThat(((StoreException) e).sqlState()).isEqualTo("08006"));
            assertThat(combiner.claim(claim("conflict"))).map(Instance::sessionId).contains("conflict");
        }
        assertThat(batches).containsExactly(List.of("broken"), List.of("conflict"));
        assertThat(alone).containsExactly("conflict");
    }

    @Test
    @Timeout(20)
    void aSessionIdIsInABatchOnceAndItsOperationsKeepTheirOrder() throws Exception {
        BlockingRunner runner = new BlockingRunner();
        try (ClaimCombiner combiner = new ClaimCombiner("test", runner, 1, 64, 64); Release release = runner::release) {
            CompletableFuture<Optional<Instance>> blocker = async(() -> combiner.claim(claim("x")));
            assertThat(runner.entered.await(10, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<Optional<Instance>>> ops = new ArrayList<>();
            ops.add(async(() -> combiner.claim(claim("same"))));
            assertThat(PooledHttpServer.await(Duration.ofSeconds(10), () -> combiner.queued() == 1)).isTrue();
            ops.add(async(() -> combiner.release("same", InstanceState.WARM)));
            assertThat(PooledHttpServer.await(Duration.ofSeconds(10), () -> combiner.queued() == 2)).isTrue();
            ops.add(async(() -> combiner.claim(claim("other"))));
            assertThat(PooledHttpServer.await(Duration.ofSeconds(10), () -> combiner.queued() == 3)).isTrue();
            runner.release();
            blocker.get(10, TimeUnit.SECONDS);
            for (CompletableFuture<Optional<Instance>> op : ops) {
                assertThat(op.get(10, TimeUnit.SECONDS)).isPresent();
            }
        }
        assertThat(runner.batches).containsExactly(List.of("claim x"), List.of("claim same", "claim other"),
                List.of("release same"));
    }

    @Test
    @Timeout(20)
    void closingAnswersEveryQueuedOperationWithAnError() throws Exception {
        BlockingRunner runner = new BlockingRunner();
        ClaimCombiner combiner = new ClaimCombiner("test", runner, 1, 64, 8);
        CompletableFuture<Optional<Instance>> running = async(() -> combiner.claim(claim("a")));
        assertThat(runner.entered.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Optional<Instance>> queued = async(() -> combiner.claim(claim("b")));
        assertThat(PooledHttpServer.await(Duration.ofSeconds(10), () -> combiner.queued() == 1)).isTrue();
        CompletableFuture<Void> closing = CompletableFuture.runAsync(combiner::close,
                command -> Thread.ofPlatform().start(command));
        assertThat(PooledHttpServer.await(Duration.ofSeconds(10), combiner::closing)).isTrue();
        runner.go.countDown();
        closing.get(10, TimeUnit.SECONDS);

        assertThat(running.get(10, TimeUnit.SECONDS)).isPresent(); // the batch in flight finishes
        assertThatThrownBy(() -> queued.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> combiner.claim(claim("c"))).isInstanceOf(StoreException.class)
                .hasMessageContaining("closed");
    }

    @Test
    @Timeout(20)
    void aLoneCallerRunsItsClaimsAndReleasesOnItsOwnThreadWithoutWaitingForTheCombiner() {
        List<String> threads = new CopyOnWriteArrayList<>();
        ClaimCombiner.Runner recording = new ClaimCombiner.Runner() {
            @Override
            public void runBatch(List<ClaimCombiner.Op> ops) {
                threads.add(Thread.currentThread().getName());
                for (ClaimCombiner.Op op : ops) {
                    op.answer = Optional.of(instance(op.sessionId));
                }
            }

            @Override
            public Optional<Instance> runOne(ClaimCombiner.Op op) {
                throw new AssertionError("no conflict here");
            }
        };
        try (ClaimCombiner combiner = new ClaimCombiner("test", recording, 1, 64, 64)) {
            for (int i = 0; i < 50; i++) {
                assertThat(combiner.claim(claim("s-" + i))).map(Instance::sessionId).contains("s-" + i);
                assertThat(combiner.release("s-" + i, InstanceState.WARM)).isPresent();
            }
            assertThat(combiner.inlineRuns()).isEqualTo(100);
            assertThat(combiner.batchesAndOperations()).containsExactly(100, 100);
        }
        assertThat(threads).hasSize(100).containsOnly(Thread.currentThread().getName());
    }

    @Test
    @Timeout(20)
    void callersThatFindTheSlotBusyShareOneTransactionOnTheCombinerThread() throws Exception {
        BlockingRunner runner = new BlockingRunner();
        try (ClaimCombiner combiner = new ClaimCombiner("test", runner, 1, 64, 64); Release release = runner::release) {
            CompletableFuture<Optional<Instance>> first = async(() -> combiner.claim(claim("a")));
            assertThat(runner.entered.await(10, TimeUnit.SECONDS)).isTrue(); // runs on its caller's thread, blocked
            List<CompletableFuture<Optional<Instance>>> waiting = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String session = "w-" + i;
                waiting.add(async(() -> combiner.claim(claim(session))));
            }
            assertThat(PooledHttpServer.await(Duration.ofSeconds(10), () -> combiner.queued() == 5)).isTrue();
            runner.release();
            assertThat(first.get(10, TimeUnit.SECONDS)).isPresent();
            for (CompletableFuture<Optional<Instance>> w : waiting) {
                assertThat(w.get(10, TimeUnit.SECONDS)).isPresent();
            }
            assertThat(combiner.inlineRuns()).isEqualTo(1);
        }
        assertThat(runner.batches).hasSize(2);
        assertThat(runner.batches.get(1)).hasSize(5);
        assertThat(runner.threads.get(0)).doesNotContain("claims-");
        assertThat(runner.threads.get(1)).isEqualTo("test claims-0");
    }

    /**
     * On a thread of its own: a claim may now block on its caller's thread inside the runner, and the common pool
     * (one thread on a 2-core machine) would then run nothing else.
     */
    private static <T> CompletableFuture<T> async(java.util.function.Supplier<T> call) {
        return CompletableFuture.supplyAsync(call, command -> Thread.ofPlatform().start(command));
    }

    private static ClaimRequest claim(String sessionId) {
        return new ClaimRequest("browser", "v1", sessionId, T0, Duration.ofSeconds(60), T0, 5);
    }

    private static Instance instance(String sessionId) {
        return new Instance("i-" + sessionId, "weur", "browser", "weur-a", "agent-1", "v1", InstanceState.CLAIMED,
                sessionId, null, null, 1, T0, T0, T0, T0.plusSeconds(60), 60_000, null);
    }

    /** Lets a blocked runner go when a test ends, whether its assertions held or not. */
    private interface Release extends AutoCloseable {
        @Override
        void close();
    }

    /** Answers every operation with an instance bound to its session; its first batch waits for {@link #go}. */
    private static final class BlockingRunner implements ClaimCombiner.Runner {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch go = new CountDownLatch(1);
        final List<List<String>> batches = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();

        void release() {
            go.countDown();
        }

        @Override
        public void runBatch(List<ClaimCombiner.Op> ops) {
            batches.add(ops.stream().map(op -> (op.isClaim() ? "claim " : "release ") + op.sessionId).toList());
            threads.add(Thread.currentThread().getName());
            entered.countDown();
            try {
                go.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            for (ClaimCombiner.Op op : ops) {
                op.answer = Optional.of(instance(op.sessionId));
            }
        }

        @Override
        public Optional<Instance> runOne(ClaimCombiner.Op op) {
            return Optional.of(instance(op.sessionId));
        }
    }
}
