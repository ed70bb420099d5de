package io.warmpool.bench;

import io.warmpool.ClaimRequest;
import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.PoolCounts;
import io.warmpool.store.jdbc.SqliteInstanceStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Claim + release on one SQLite shard holding {@code rows} warm instances of one pool: the store's real
 * {@code claim} (random among the first few candidates of the {@code instances_claim} index) followed by
 * {@code release(sessionId, WARM)}, against a baseline that claims with the seed's {@code ORDER BY RANDOM()} over
 * the whole warm set. Every operation is a real transaction on a real file in a temp dir (WAL,
 * {@code synchronous=NORMAL}, as the store opens it).
 *
 * <pre>
 * java -cp "warmpool-bench/target/warmpool-bench-0.1.0-SNAPSHOT.jar:warmpool-bench/target/lib/*" \
 *     org.openjdk.jmh.Main ClaimBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class ClaimBenchmark {

    static final String POOL = "browser";
    static final String VERSION = "1";
    static final int CANDIDATES = 5; // PoolSettings' default

    /** The seed's claim (LIMIT 1: one instance per session), over every warm row of the pool. */
    static final String RANDOM_CLAIM = "UPDATE instances SET state = 'CLAIMED', session_id = ?"
            + " WHERE id IN (SELECT id FROM instances WHERE pool = ? AND state = 'WARM' ORDER BY RANDOM() LIMIT 1)"
            + " RETURNING id";
    static final String RANDOM_RELEASE = "UPDATE instances SET state = 'WARM', session_id = NULL WHERE id = ?";

    private static final AtomicInteger CALLERS = new AtomicInteger();

    @Param({"1000", "100000", "1000000"})
    public int rows;

    private Path dir;
    private SqliteInstanceStore store;
    private Connection raw;
    private Instant now;
    private Instant freshAfter;

    /** One caller thread's session id; a released session id can be claimed again. */
    @State(Scope.Thread)
    public static class Caller {
        final String sessionId = "bench-" + CALLERS.incrementAndGet();
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("warmpool-claim-bench-");
        Path file = dir.resolve("weur.db");
        store = SqliteInstanceStore.open(file);
        now = Instant.now();
        freshAfter = now.minus(Duration.ofHours(1));
        raw = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (var s = raw.createStatement()) { // what the store sets on its own connection (WAL is a property of the file)
            s.execute("PRAGMA synchronous = NORMAL");
            s.execute("PRAGMA busy_timeout = 5000");
            try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                if (!rs.next() || !rs.getString(1).equalsIgnoreCase("wal")) {
                    throw new IllegalStateException("expected the store's file in WAL mode");
                }
            }
        }
        long started = System.nanoTime();
        WarmRows.insert(raw, "weur", POOL, VERSION, rows, now.toEpochMilli());
        System.out.printf("%n# %,d warm rows inserted in %.1f s%n", rows, (System.nanoTime() - started) / 1e9);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            PoolCounts counts = store.counts(POOL);
            if (counts.warm() != rows || counts.claimed() != 0) {
                throw new IllegalStateException("rows leaked by the benchmark: " + counts + " (expected warm=" + rows + ")");
            }
        } finally {
            raw.close();
            store.close();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The store's claim then release, one caller. */
    @Benchmark
    public Instance claimRelease(Caller caller) {
        return claimAndRelease(caller.sessionId);
    }

    /** The same with four callers on one shard (the store serializes them on its one connection). */
    @Benchmark
    @Threads(4)
    public Instance claimRelease4Threads(Caller caller) {
        return claimAndRelease(caller.sessionId);
    }

    /** The seed's {@code ORDER BY RANDOM()} claim, then the row set back to WARM; raw JDBC, prepared per call as the store does. */
    @Benchmark
    public String orderByRandomBaseline(Caller caller) throws SQLException {
        String id;
        try (PreparedStatement claim = raw.prepareStatement(RANDOM_CLAIM)) {
            claim.setString(1, caller.sessionId);
            claim.setString(2, POOL);
            try (ResultSet rs = claim.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("baseline claimed nothing");
                }
                id = rs.getString(1);
            }
        }
        try (PreparedStatement release = raw.prepareStatement(RANDOM_RELEASE)) {
            release.setString(1, id);
            release.executeUpdate();
        }
        return id;
    }

    private Instance claimAndRelease(String sessionId) {
        ClaimRequest request = new ClaimRequest(POOL, VERSION, sessionId, now, Duration.ofSeconds(60), freshAfter,
                CANDIDATES);
        Optional<Instance> claimed = store.claim(request);
        if (claimed.isEmpty()) {
            throw new IllegalStateException("claim found no warm row (" + store.counts(POOL) + ")");
        }
        store.release(sessionId, InstanceState.WARM);
        return claimed.get();
    }
}
