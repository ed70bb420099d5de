package io.warmpool.bench;

import io.warmpool.AgentBeat;
import io.warmpool.ClaimRequest;
import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.core.RegionShard;
import io.warmpool.core.ShardSettings;
import io.warmpool.spi.InstanceProvider;
import io.warmpool.spi.InstanceStore;
import io.warmpool.store.jdbc.PostgresInstanceStore;
import io.warmpool.store.jdbc.SqliteInstanceStore;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One region shard under the load the design targets: {@code --instances} WARM instances, every one reported by
 * its agent every 5 s through the shard's real heartbeat queue and batch writer, while {@code --claimers} threads
 * (default {@value #CLAIMERS}) claim and release as fast as they can; the store combines concurrent claims and
 * releases into shared transactions. More claimers (a gateway with more requests in flight) were measured too: on
 * the loaded 2-core machine 32 gave fewer claims than 4 (BENCHMARKS.md §6y), so the default stays 4. Prints what it measured and, as its last line, one JSON object:
 * {@code {"store":…,"instances":…,"heartbeatRowsPerSec":…,"lagP99Ms":…,"claimsPerSec":…,"claimP50Ms":…,
 * "claimP99Ms":…,"doubleClaims":…}}. {@code heartbeatRowsPerSec} counts reports absorbed per second, whatever rows
 * the writer wrote for them. Everything it creates (temp dir, PostgreSQL schema, threads) is gone when it ends.
 *
 * <pre>
 * java -cp "warmpool-bench/target/warmpool-bench-&lt;version&gt;.jar:warmpool-bench/target/lib/*" \
 *   io.warmpool.bench.ShardBench --store sqlite|postgres --instances N --seconds S [--postgres-url URL]
 * </pre>
 */
public final class ShardBench {
    static final int CLAIMERS = 4;
    /** Instances one agent reports (agent {@code a-k} owns rows k*100 .. k*100+99). */
    static final int PER_AGENT = 100;
    private static final Duration CADENCE = Duration.ofSeconds(5);
    private static final Duration STALE_AFTER = Duration.ofSeconds(15);
    private static final String POOL = "browser";
    private static final String VERSION = "bench";
    private static final Set<String> OPTIONS = Set.of("store", "instances", "seconds", "postgres-url", "claimers");
    private static final String USAGE = """
            usage: ShardBench --store sqlite|postgres --instances N --seconds S [--postgres-url URL] [--claimers C]
              --store         the shard's store: sqlite (a temp file) or postgres (a fresh schema, dropped after)
              --instances     instances in the shard, each reported every 5 s (1..5000000, default 1000000)
              --seconds       how long the measured load runs (1..3600, default 30)
              --postgres-url  jdbc:postgresql://... (default jdbc:postgresql://127.0.0.1:5432/test?user=postgres)
              --claimers      threads claiming and releasing back to back (1..256, default 4)
            The last line printed is one JSON object with the results.""";

    private ShardBench() {
    }

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        BenchOptions o;
        String store;
        try {
            o = BenchOptions.parse(args, OPTIONS);
            store = o.text("store", "sqlite");
            if (!store.equals("sqlite") && !store.equals("postgres")) {
                throw new IllegalArgumentException("--store must be sqlite or postgres (got '" + store + "')");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("ShardBench: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        int instances = o.count("instances", 1_000_000, 5_000_000);
        Duration window = o.seconds("seconds", 30, 3_600);
        String pgUrl = o.text("postgres-url", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
        int claimers = o.count("claimers", CLAIMERS, 256);
        try (Cleanup cleanup = new Cleanup()) {
            InstanceStore shardStore = open(cleanup, store, pgUrl, instances);
            Result r = new ShardLoad(shardStore, shard(shardStore), instances, window, claimers).run(cleanup);
            System.out.println(MachineInfo.loadAverage());
            System.out.println(r.json(store, instances));
        }
    }

    private static InstanceStore open(Cleanup cleanup, String store, String pgUrl, int instances) throws Exception {
        long now = System.currentTimeMillis();
        long t0 = System.nanoTime();
        InstanceStore opened;
        if (store.equals("sqlite")) {
            Path file = cleanup.tempDir("warmpool-shardbench-").resolve("bench.db");
            SqliteInstanceStore.open(file).close(); // migrate
            ShardFill.sqlite(file.toString(), POOL, VERSION, instances, now);
            opened = SqliteInstanceStore.open(file);
        } else {
            byte[] b = new byte[5];
            ThreadLocalRandom.current().nextBytes(b);
            String schema = "wp_shardbench_" + HexFormat.of().formatHex(b);
            cleanup.add(() -> ShardFill.dropSchema(pgUrl, schema));
            PostgresInstanceStore.open(pgUrl, schema).close(); // migrate
            ShardFill.postgres(pgUrl, schema, POOL, VERSION, instances, now);
            opened = PostgresInstanceStore.open(pgUrl, schema);
        }
        System.out.printf(Locale.ROOT, "filled %s with %d warm instances in %.1f s%n", store, instances,
                (System.nanoTime() - t0) / 1e9);
        // a fill takes longer than staleAfter: every agent reports once now, through the store, as the load begins
        List<AgentBeat> beats = new ArrayList<>();
        Instant at = Instant.now();
        for (int a = 0; a * PER_AGENT < instances; a++) {
            beats.add(new AgentBeat("a-" + a, at));
        }
        opened.applyBeats(beats, List.of());
        return opened;
    }

    /**
     * The shard with the gateway's default heartbeat settings (batch 100, flush after 1 s, 1 retry, a 100,000-report
     * queue, and the {@code refreshAfter} a gateway derives from the default 15 s {@code staleAfter}) and no pools:
     * claims go to the store directly.
     */
    private static RegionShard shard(InstanceStore store) {
        Duration refreshAfter = STALE_AFTER.minus(CADENCE).minusSeconds(2);
        return new RegionShard("bench", store, new NoProvider(), List.of(),
                new ShardSettings(100_000, 100, Duration.ofSeconds(1), 1, Duration.ofSeconds(1), refreshAfter),
                InstantSource.system(), System::nanoTime, Runnable::run);
    }

    /** The figures of one run. */
    record Result(double heartbeatRowsPerSec, double lagP99Ms, double claimsPerSec, double claimP50Ms,
                  double claimP99Ms, long doubleClaims) {
        String json(String store, int instances) {
            return String.format(Locale.ROOT, "{\"store\":\"%s\",\"instances\":%d,\"heartbeatRowsPerSec\":%.0f,"
                            + "\"lagP99Ms\":%.1f,\"claimsPerSec\":%.0f,\"claimP50Ms\":%.3f,\"claimP99Ms\":%.3f,"
                            + "\"doubleClaims\":%d}", store, instances, heartbeatRowsPerSec, lagP99Ms, claimsPerSec,
                    claimP50Ms, claimP99Ms, doubleClaims);
        }
    }

    /** Claims one instance and releases it, counting any instance held by two sessions at once. */
    static final class Claimer {
        private final InstanceStore store;
        private final ConcurrentHashMap<String, String> held;
        private final AtomicLong doubles;

        Claimer(InstanceStore store, ConcurrentHashMap<String, String> held, AtomicLong doubles) {
            this.store = store;
            this.held = held;
            this.doubles = doubles;
        }

        /** Nanoseconds the claim took, or -1 when nothing was claimed. */
        long claimAndRelease(String sessionId) {
            Instant now = Instant.now();
            long t0 = System.nanoTime();
            Instance claimed = store.claim(new ClaimRequest(POOL, VERSION, sessionId, now, Duration.ofSeconds(60),
                    now.minus(STALE_AFTER), 5)).orElse(null);
            long took = System.nanoTime() - t0;
            if (claimed == null) {
                return -1;
            }
            if (held.putIfAbsent(claimed.id(), sessionId) != null) {
                doubles.incrementAndGet();
            }
            held.remove(claimed.id(), sessionId);
            store.release(sessionId, InstanceState.WARM);
            return took;
        }
    }

    /** A provider that never starts anything: the bench's instances exist only as rows. */
    private static final class NoProvider implements InstanceProvider {
        @Override
        public Placement place(String region, String pool) {
            return new Placement("bench-agent", "bench-a");
        }

        @Override
        public Started start(Instance instance) {
            throw new UnsupportedOperationException("the shard bench starts no instances");
        }

        @Override
        public void stop(Instance instance) {
        }

        @Override
        public boolean reset(Instance instance) {
            return true;
        }

        @Override
        public void close() {
        }
    }

    static Duration cadence() {
        return CADENCE;
    }
}
