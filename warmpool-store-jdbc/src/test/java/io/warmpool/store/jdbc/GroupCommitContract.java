package io.warmpool.store.jdbc;

import io.warmpool.ClaimRequest;
import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.PoolCounts;
import io.warmpool.StoreException;
import io.warmpool.testkit.PooledHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Group commit on a real store: concurrent claims and releases are combined into shared transactions and still
 * never hold an instance twice, every waiter gets an answer, and a batch whose transaction fails gives each of its
 * waiters the error and leaves nothing CLAIMED for them.
 */
abstract class GroupCommitContract {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final String POOL = "browser";
    static final String VERSION = "v1";

    JdbcInstanceStore store;

    abstract JdbcInstanceStore open() throws Exception;

    /** Makes every write that binds a session id starting with {@code poison} fail (a trigger). */
    abstract void poisonSessions() throws Exception;

    /** Runs {@code body} while the store's writes wait (its connection or its table held by the test). */
    abstract void whileWritesWait(Runnable body) throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = open();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    @Timeout(90)
    void concurrentClaimsAndReleasesAreCombinedAndNeverHoldAnInstanceTwice() throws Exception {
        int threads = 32;
        int cycles = 150;
        int instances = 12;
        warm(instances);
        ConcurrentHashMap<String, String> holders = new ConcurrentHashMap<>();
        AtomicInteger doubleHolds = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> done = new ArrayList<>();
        long[] before = store.combiner().batchesAndOperations();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    int held = 0;
                    for (int n = 0; n < cycles; n++) {
                        String session = "t" + thread + "-" + n;
                        Optional<Instance> got = store.claim(request(session));
                        if (got.isEmpty()) {
                            continue; // every instance held right now: a real caller would fall back or wait
                        }
                        String id = got.get().id();
                        if (holders.putIfAbsent(id, session) != null) {
                            doubleHolds.incrementAndGet();
                        }
                        if (!holders.remove(id, session)) {
                            doubleHolds.incrementAndGet();
                        }
                        assertThat(store.release(session, InstanceState.WARM)).map(Instance::id).contains(id);
                        held++;
                    }
                    return held;
                }));
            }
            start.countDown();
            int claimed = 0;
            for (Future<Integer> f : done) {
                claimed += f.get(80, TimeUnit.SECONDS); // every waiter got an answer
            }
            assertThat(claimed).isPositive();
            assertThat(store.list(POOL).stream().mapToInt(Instance::uses).sum()).isEqualTo(claimed);
        }
        assertThat(doubleHolds).hasValue(0);
        assertThat(store.counts(POOL)).isEqualTo(new PoolCounts(0, instances, 0, 0, 0));
        long[] after = store.combiner().batchesAndOperations();
        long batches = after[0] - before[0];
        long operations = after[1] - before[1];
        assertThat(operations).as("claims and releases went through the combiner").isGreaterThanOrEqualTo(
                (long) threads * cycles);
        assertThat(batches).as("concurrent operations shared transactions").isLessThan(operations);
    }

    @Test
    @Timeout(60)
    void aBatchWhoseTransactionFailsGivesEachWaiterTheErrorAndLeavesNothingClaimedForThem() throws Exception {
        warm(20);
        poisonSessions();
        Map<String, CompletableFuture<Optional<Instance>>> calls = new LinkedHashMap<>();
        int combiners = store.dialect().combinerThreads();
        whileWritesWait(() -> {
            // first one claim per combiner thread, whose batches then wait for the store ...
            for (int i = 0; i < combiners; i++) {
                calls.put("first-" + i, claimAsync("first-" + i));
                long started = i + 1;
                awaitTrue(() -> store.combiner().batchesAndOperations()[0] == started);
            }
            // ... so that these queue up behind them and go into one batch with the poisoned claim
            for (String session : List.of("g-1", "g-2", "poison-1", "g-3", "g-4")) {
                calls.put(session, claimAsync(session));
            }
            awaitTrue(() -> store.combiner().queued() == 5);
        });
        int failedWithPoison = 0;
        for (Map.Entry<String, CompletableFuture<Optional<Instance>>> call : calls.entrySet()) {
            String session = call.getKey();
            Optional<Instance> got;
            try {
                got = call.getValue().get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(StoreException.class);
                assertThat(store.findBySession(session)).as("nothing is bound for %s, which got the error", session)
                        .isEmpty();
                failedWithPoison += session.startsWith("g-") ? 1 : 0;
                continue;
            }
            assertThat(session).doesNotStartWith("poison");
            assertThat(got).isPresent();
            assertThat(store.findBySession(session)).map(Instance::id).contains(got.get().id());
        }
        long claimed = calls.keySet().stream().filter(s -> store.findBySession(s).isPresent()).count();
        assertThat(store.counts(POOL).claimed()).isEqualTo((int) claimed);
        if (combiners == 1) {
            // one combiner: the four good claims queued with the poisoned one share its transaction and its fate
            assertThat(failedWithPoison).isEqualTo(4);
        }
    }

    private CompletableFuture<Optional<Instance>> claimAsync(String session) {
        return CompletableFuture.supplyAsync(() -> store.claim(request(session)),
                command -> Thread.ofPlatform().start(command));
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) {
        if (!PooledHttpServer.await(Duration.ofSeconds(20), condition)) {
            fail("condition not met within 20 s");
        }
    }

    void warm(int n) {
        for (int i = 0; i < n; i++) {
            String id = "i-" + i;
            store.insert(Instance.starting(id, "weur", POOL, "weur-a", "agent-1", VERSION, T0, T0.plusSeconds(3600)));
            assertThat(store.markWarm(id, "ws://cdp/" + id, "http://agent/" + id, T0)).isTrue();
        }
    }

    static ClaimRequest request(String session) {
        return new ClaimRequest(POOL, VERSION, session, T0, Duration.ofSeconds(60), T0, 5);
    }
}
