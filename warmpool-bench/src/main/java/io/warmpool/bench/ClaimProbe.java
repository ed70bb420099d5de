package io.warmpool.bench;

import io.warmpool.ClaimRequest;
import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.store.jdbc.PostgresInstanceStore;
import io.warmpool.store.jdbc.ProbeStatements;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where a PostgreSQL claim's time goes: the store's own claim and release statements ({@link ProbeStatements}) run
 * from {@code --threads} connections directly, each thread claim then release back to back in auto-commit, against
 * a shard filled as {@link ShardBench} fills it, with no claim combiner, connection pool or heartbeats in between;
 * beside them the issue's plain-JDBC reference ({@code SKIP LOCKED} claim of one row, release by session id).
 * Each variant prints one line: claims/s, claim p50/p99 and release p50.
 *
 * <pre>
 * java -cp "warmpool-bench/target/warmpool-bench-&lt;version&gt;.jar:warmpool-bench/target/lib/*" \
 *   io.warmpool.bench.ClaimProbe --instances 1000000 --seconds 10 --threads 4 [--variants plain,store,many]
 * </pre>
 */
public final class ClaimProbe {
    private static final Set<String> OPTIONS = Set.of("instances", "seconds", "threads", "postgres-url", "variants");
    private static final String PLAIN_CLAIM = "UPDATE instances SET state = 'CLAIMED', session_id = ? WHERE id ="
            + " (SELECT id FROM instances WHERE pool = ? AND state = 'WARM' AND version = ? ORDER BY pick LIMIT 1"
            + " FOR UPDATE SKIP LOCKED) RETURNING id";
    private static final String PLAIN_RELEASE = "UPDATE instances SET state = 'WARM', session_id = NULL"
            + " WHERE session_id = ?";

    private ClaimProbe() {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions o = BenchOptions.parse(args, OPTIONS);
        int instances = o.count("instances", 1_000_000, 5_000_000);
        Duration window = o.seconds("seconds", 10, 600);
        String url = o.text("postgres-url", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
        List<String> variants = List.of(o.text("variants", "plain,store,many").split(","));
        String threadList = o.text("threads", "4");
        byte[] b = new byte[5];
        ThreadLocalRandom.current().nextBytes(b);
        String schema = "wp_claimprobe_" + HexFormat.of().formatHex(b);
        try (Cleanup cleanup = new Cleanup()) {
            cleanup.add(() -> ShardFill.dropSchema(url, schema));
            PostgresInstanceStore.open(url, schema).close(); // migrate
            long t0 = System.nanoTime();
            // rows with an old heartbeat of their own, fresh by their agents' beats only: as in ShardBench, whose
            // fill takes longer than staleAfter, and as in a gateway whose agents report per agent
            ShardFill.postgres(url, schema, "browser", "bench", instances, 1);
            System.out.printf(Locale.ROOT, "filled %d rows in %.1f s%n", instances, (System.nanoTime() - t0) / 1e9);
            explain(url, schema);
            for (String threads : threadList.split(",")) {
                for (String v : variants) {
                    run(url, schema, v.trim(), Integer.parseInt(threads.trim()), window);
                }
            }
            System.out.println(MachineInfo.loadAverage());
        }
    }

    private static void explain(String url, String schema) throws SQLException {
        try (Connection c = open(url, schema); Statement s = c.createStatement()) {
            beatAll(c);
            s.execute("BEGIN");
            String sql = ProbeStatements.claimSql();
            long now = System.currentTimeMillis();
            String bound = sql.replaceFirst("\\?", "'probe-explain'").replaceFirst("\\?", "" + now)
                    .replaceFirst("\\?", "" + now).replaceFirst("\\?", "0").replaceFirst("\\?", "'browser'")
                    .replaceFirst("\\?", "'bench'").replaceFirst("\\?", "0").replaceFirst("\\?", "" + (now - 15_000))
                    .replaceFirst("\\?", "" + (now - 15_000)).replaceFirst("\\?", "5");
            try (ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + bound)) {
                while (rs.next()) {
                    System.out.println("  " + rs.getString(1));
                }
            }
            s.execute("ROLLBACK");
            // the plan PostgreSQL runs once it plans the prepared statement generically
            StringBuilder numbered = new StringBuilder();
            int n = 0;
            for (char ch : sql.toCharArray()) {
                numbered.append(ch == '?' ? "$" + (++n) : String.valueOf(ch));
            }
            s.execute("PREPARE probe_claim AS " + numbered);
            s.execute("SET plan_cache_mode = force_generic_plan");
            s.execute("BEGIN");
            try (ResultSet rs = s.executeQuery("EXPLAIN EXECUTE probe_claim('probe-explain', " + now + ", " + now
                    + ", 0, 'browser', 'bench', 0, " + (now - 15_000) + ", " + (now - 15_000) + ", 5)")) {
                System.out.println("generic plan:");
                while (rs.next()) {
                    System.out.println("  " + rs.getString(1));
                }
            }
            s.execute("ROLLBACK");
        }
    }

    private static Connection open(String url, String schema) throws SQLException {
        Connection c = DriverManager.getConnection(url);
        try (Statement s = c.createStatement()) {
            s.execute("SET search_path TO " + schema);
        }
        return c;
    }

    /** Beats every agent now, so that the store's freshness test passes for the whole variant. */
    private static void beatAll(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE agents SET heartbeat_at = ?")) {
            s.setLong(1, System.currentTimeMillis());
            s.executeUpdate();
        }
    }

    private static void run(String url, String schema, String variant, int threads, Duration window)
            throws Exception {
        try (Connection c = open(url, schema)) {
            beatAll(c);
            try (Statement s = c.createStatement()) {
                s.execute("VACUUM instances");
            }
        }
        ConcurrentHashMap<String, String> held = new ConcurrentHashMap<>();
        AtomicLong doubles = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        long end = System.nanoTime() + window.toNanos();
        List<long[][]> perThread = new ArrayList<>();
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long[][] out = new long[2][2_000_000];
            perThread.add(out);
            int id = t;
            started.add(Thread.ofPlatform().name("probe-" + t).start(() -> {
                try (Connection c = open(url, schema)) {
                    if (variant.contains("+generic")) {
                        try (Statement s = c.createStatement()) {
                            s.execute("SET plan_cache_mode = force_generic_plan");
                        }
                    }
                    if (variant.contains("+async")) {
                        // an upper bound of what commits that do not wait for the WAL flush would give
                        try (Statement s = c.createStatement()) {
                            s.execute("SET synchronous_commit = off");
                        }
                    }
                    if (variant.contains("+nojit")) {
                        try (Statement s = c.createStatement()) {
                            s.execute("SET jit = off");
                        }
                    }
                    loop(c, variant.replaceAll("\\+.*", ""), id, end, out, held, doubles);
                } catch (Exception e) {
                    failures.incrementAndGet();
                    System.err.println(variant + " thread " + id + ": " + e);
                }
            }));
        }
        for (Thread t : started) {
            t.join();
        }
        int total = 0;
        for (long[][] out : perThread) {
            total += (int) out[0][out[0].length - 1];
        }
        long[] claims = new long[total];
        long[] releases = new long[total];
        int at = 0;
        for (long[][] out : perThread) {
            int n = (int) out[0][out[0].length - 1];
            System.arraycopy(out[0], 0, claims, at, n);
            System.arraycopy(out[1], 0, releases, at, n);
            at += n;
        }
        Percentiles cp = Percentiles.of(claims);
        Percentiles rp = Percentiles.of(releases);
        System.out.printf(Locale.ROOT, "%-14s threads=%-3d claims/s=%.0f claim p50 %.3f p99 %.3f ms, release p50 %.3f"
                        + " p99 %.3f ms, doubles=%d, failed threads=%d%n", variant, threads,
                total / (window.toNanos() / 1e9), cp.p50(), cp.ms(0.99), rp.p50(), rp.ms(0.99), doubles.get(),
                failures.get());
    }

    private static void loop(Connection c, String variant, int thread, long end, long[][] out,
                             ConcurrentHashMap<String, String> held, AtomicLong doubles) throws SQLException {
        int n = 0;
        int max = out[0].length - 1;
        while (System.nanoTime() < end && n < max) {
            String session = "p-" + thread + "-" + n;
            Instant now = Instant.now();
            long t0 = System.nanoTime();
            String id = claim(c, variant, session, now);
            long t1 = System.nanoTime();
            if (id == null) {
                continue;
            }
            if (held.putIfAbsent(id, session) != null) {
                doubles.incrementAndGet();
            }
            held.remove(id, session);
            release(c, variant, session);
            out[0][n] = t1 - t0;
            out[1][n] = System.nanoTime() - t1;
            n++;
        }
        out[0][max] = n;
    }

    private static String claim(Connection c, String variant, String session, Instant now) throws SQLException {
        ClaimRequest r = new ClaimRequest("browser", "bench", session, now, Duration.ofSeconds(60),
                now.minusSeconds(15), 5);
        switch (variant) {
            case "plain" -> {
                try (PreparedStatement s = c.prepareStatement(PLAIN_CLAIM)) {
                    s.setString(1, session);
                    s.setString(2, "browser");
                    s.setString(3, "bench");
                    try (ResultSet rs = s.executeQuery()) {
                        return rs.next() ? rs.getString(1) : null;
                    }
                }
            }
            case "store" -> {
                Optional<Instance> got = ProbeStatements.claim(c, r);
                return got == null ? null : got.map(Instance::id).orElse(null);
            }
            case "many" -> {
                Instance got = ProbeStatements.claimMany(c, List.of(r)).get(session);
                return got == null ? null : got.id();
            }
            default -> throw new IllegalArgumentException("--variants: unknown variant " + variant);
        }
    }

    private static void release(Connection c, String variant, String session) throws SQLException {
        switch (variant) {
            case "plain" -> {
                try (PreparedStatement s = c.prepareStatement(PLAIN_RELEASE)) {
                    s.setString(1, session);
                    s.executeUpdate();
                }
            }
            case "store" -> ProbeStatements.release(c, session);
            default -> ProbeStatements.releaseAll(c, Map.of(session, InstanceState.WARM));
        }
    }
}
