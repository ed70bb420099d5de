package io.warmpool.bench;

import io.warmpool.core.PoolSettings;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the dashboard's polls cost the gateway as the shard grows: a real gateway (one SQLite region, no browser
 * started) with N instances written into its shard, then sequential {@code GET /v1/ops/dashboard} and
 * {@code GET /v1/ops/instances?limit=2000} (what one open page asks every 1 and 2 s), and a filtered
 * {@code /v1/ops/instances?q=00000099} (a few matches the store must scan for). "paced" requests come 1.1 s apart, "back to back"
 * ones do not (the server caches nothing for them either way; the pause shows a cold path after idling). Bounded
 * in count.
 *
 * <pre>
 * java -cp "$CP" io.warmpool.bench.DashboardLoad [--rows 1000,10000,100000] [--paced 15] [--back-to-back 200]
 * </pre>
 */
public final class DashboardLoad {
    private static final Duration PACE = Duration.ofMillis(1_100);

    private DashboardLoad() {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions o = BenchOptions.parse(args, Set.of("rows", "paced", "back-to-back", "chromium"));
        int paced = o.count("paced", 15, 100);
        int backToBack = o.count("back-to-back", 200, 5_000);
        Path chromium = o.path("chromium", "/usr/bin/chromium");
        System.out.println(MachineInfo.describe(chromium).text());
        System.out.println("| rows in shard | request | paced p50 | paced p99 | back to back p50 | back to back p99 | bytes |");
        System.out.println("| ---: | --- | ---: | ---: | ---: | ---: | ---: |");
        for (String n : o.text("rows", "1000,10000,100000").split(",")) {
            run(Integer.parseInt(n.trim()), paced, backToBack, chromium);
        }
        System.out.println("\n" + MachineInfo.loadAverage());
    }

    private static void run(int rows, int paced, int backToBack, Path chromium) throws Exception {
        try (Cleanup cleanup = new Cleanup()) { // also on Ctrl-C: the gateway stops, the temp dir goes
            Path dir = cleanup.tempDir("warmpool-dashboard-load-");
            fill(dir.resolve(BenchGateway.REGION + ".db"), rows); // before the gateway, which then holds the file
            BenchGateway gw = cleanup.add(BenchGateway.start(dir, chromium, List.of(PoolSettings.builder("browser")
                    .minIdle(0).maxSize(1).build())));
            HttpClient http = cleanup.add(GatewayClient.newHttpClient());
            for (String path : List.of("/v1/ops/instances?limit=2000", "/v1/ops/instances?limit=2000&q=00000099", "/v1/ops/dashboard")) {
                long[] slow = new long[paced];
                long[] quick = new long[backToBack];
                int bytes = 0;
                for (int i = 0; i < paced; i++) {
                    Thread.sleep(PACE.toMillis());
                    long t0 = System.nanoTime();
                    bytes = get(http, gw.url() + path).length;
                    slow[i] = System.nanoTime() - t0;
                }
                for (int i = 0; i < backToBack; i++) {
                    long t0 = System.nanoTime();
                    get(http, gw.url() + path);
                    quick[i] = System.nanoTime() - t0;
                }
                Percentiles s = Percentiles.of(slow);
                Percentiles q = Percentiles.of(quick);
                System.out.printf(Locale.ROOT, "| %,d | `%s` | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %,d |%n", rows, path,
                        s.p50(), s.ms(0.99), q.p50(), q.ms(0.99), bytes);
            }
        }
    }

    /**
     * {@code rows} warm instances of a pool the gateway does not run (so it neither loses nor stops them), in the
     * shard it will open.
     */
    private static void fill(Path shard, int rows) throws java.sql.SQLException {
        io.warmpool.store.jdbc.SqliteInstanceStore.open(shard).close(); // the schema, as the gateway migrates it
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + shard)) {
            WarmRows.insert(c, BenchGateway.REGION, "load", "1", rows, System.currentTimeMillis());
        }
    }

    private static byte[] get(HttpClient http, String url) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(GatewayClient.TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode());
        }
        return r.body();
    }
}
