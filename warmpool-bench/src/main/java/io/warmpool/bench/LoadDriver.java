package io.warmpool.bench;

import io.warmpool.core.Lease;
import io.warmpool.core.PoolSettings;
import io.warmpool.core.RegionPool;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The load driver: one command, one run, one table. Starts a real gateway in a temp dir (pool {@code browser}
 * with 4 warm browsers, pool {@code cold} with none and {@code maxUses 1}), serves a small page from loopback,
 * and measures side by side: warm acquire over HTTP, cold acquire against a bare Chromium start, and quick
 * screenshots against a browser started per request. Every run is bounded in count and time; everything it
 * starts is stopped and its temp dir deleted when it ends.
 *
 * <pre>
 * java -cp "warmpool-bench/target/warmpool-bench-0.1.0-SNAPSHOT.jar:warmpool-bench/target/lib/*" \
 *     io.warmpool.bench.LoadDriver [--warm 300] [--cold 15] [--quick 60] [--per-request 20] [--seconds 20]
 *     [--chromium /usr/bin/chromium]
 * </pre>
 */
public final class LoadDriver {
    private static final Set<String> OPTIONS = Set.of("warm", "cold", "quick", "per-request", "seconds", "chromium");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PHASE_LIMIT = Duration.ofMinutes(5);
    private static final int WARM_BROWSERS = 4;
    /** Paced quick requests: a 1 s pause before each, so that whatever the previous action left to do is done. */
    private static final int PACED_COUNT = 20;
    private static final Duration PACE = Duration.ofSeconds(1);

    private final Path chromium;
    private final Path root;
    private final HttpClient http = GatewayClient.newHttpClient();

    private LoadDriver(Path chromium, Path root) {
        this.chromium = chromium;
        this.root = root;
    }

    public static void main(String[] args) throws Exception {
        BenchOptions o = BenchOptions.parse(args, OPTIONS);
        Path chromium = o.chromium();
        try (Cleanup cleanup = new Cleanup()) {
            new LoadDriver(chromium, cleanup.tempDir("warmpool-load-")).run(cleanup, o.count("warm", 300, 10_000),
                    o.count("cold", 15, 200), o.count("quick", 60, 10_000), o.count("per-request", 20, 1_000),
                    o.seconds("seconds", 20, 300));
        }
    }

    private void run(Cleanup cleanup, int warmCount, int coldCount, int quickCount, int perRequestCount,
                     Duration window) throws Exception {
        System.out.println(MachineInfo.describe(chromium).text());
        System.out.printf("options: --warm %d --cold %d --quick %d --per-request %d --seconds %d%n%n", warmCount,
                coldCount, quickCount, perRequestCount, window.toSeconds());
        Files.createDirectories(root.resolve("p"));
        List<PoolSettings> pools = List.of(
                PoolSettings.builder("browser").minIdle(WARM_BROWSERS).maxSize(8).maxUses(100_000).build(),
                PoolSettings.builder("cold").minIdle(0).maxSize(2).maxUses(1).build());
        cleanup.add(http);
        LocalPage page = cleanup.add(new LocalPage());
        BenchGateway gateway = cleanup.add(BenchGateway.start(root.resolve("data"), chromium, pools));
        gateway.awaitWarm("browser", WARM_BROWSERS, Duration.ofMinutes(2));
        GatewayClient client = new GatewayClient(http, gateway.url());
        warmAcquire(client, gateway, warmCount);
        coldAcquire(client, gateway, coldCount);
        screenshots(client, gateway, page.url(), quickCount, perRequestCount, window);
        System.out.println("\n" + MachineInfo.loadAverage());
    }

    /**
     * Back to back, each DELETE is followed by a reset that takes longer than an acquire, so the warm set drains;
     * the driver therefore waits after each release until the pool is fully warm again (timing that wait as the
     * reset time), so that every timed acquire is an acquire from a warm pool. Each round also times a
     * {@code GET /healthz} and one in-process acquire ({@code RegionPool.acquire}, no HTTP), to show what the HTTP
     * layer adds.
     */
    private void warmAcquire(GatewayClient client, BenchGateway gateway, int count) throws Exception {
        RegionPool pool = gateway.pool("browser");
        for (int i = 0; i < 20; i++) { // warm-up, not measured: JIT and connection pool of both sides
            client.release(client.acquire("browser", BenchGateway.LOCATION).id());
            gateway.awaitWarm("browser", WARM_BROWSERS, Duration.ofSeconds(30));
            pool.release(pool.acquire("warmup-" + i, Duration.ofSeconds(60)).instance().sessionId(), false);
            gateway.awaitWarm("browser", WARM_BROWSERS, Duration.ofSeconds(30));
        }
        long[] health = new long[count];
        long[] http = new long[count];
        long[] direct = new long[count];
        long[] resets = new long[count];
        int waited = 0;
        for (int i = 0; i < count; i++) {
            long h0 = System.nanoTime();
            client.health();
            health[i] = System.nanoTime() - h0;
            long t0 = System.nanoTime();
            GatewayClient.Session s = client.acquire("browser", BenchGateway.LOCATION);
            http[i] = System.nanoTime() - t0;
            waited += s.warm() ? 0 : 1;
            long t1 = System.nanoTime();
            client.release(s.id());
            gateway.awaitWarm("browser", WARM_BROWSERS, Duration.ofSeconds(30));
            resets[i] = System.nanoTime() - t1;
            long t2 = System.nanoTime();
            Lease lease = pool.acquire("direct-" + i, Duration.ofSeconds(60));
            direct[i] = System.nanoTime() - t2;
            waited += lease.warm() ? 0 : 1;
            pool.release(lease.instance().sessionId(), false);
            gateway.awaitWarm("browser", WARM_BROWSERS, Duration.ofSeconds(30));
        }
        System.out.println("## Warm acquire: pool browser, " + WARM_BROWSERS + " warm; each acquire, then release,"
                + " then wait until warm again");
        TextTable table = new TextTable("what", "n", "p50 ms", "p90 ms", "p99 ms", "max ms");
        row(table, "GET /healthz over HTTP (the HTTP round trip alone)", Percentiles.of(health));
        row(table, "POST /v1/sessions over HTTP (timed alone)", Percentiles.of(http));
        row(table, "RegionPool.acquire in-process (no HTTP)", Percentiles.of(direct));
        row(table, "DELETE until the pool is warm again (reset)", Percentiles.of(resets));
        System.out.print(table);
        System.out.println("acquires that waited for a start: " + waited + "; after: " + gateway.describe("browser") + "\n");
    }

    private static void row(TextTable table, String what, Percentiles p) {
        table.row(what, p.count(), p.p50(), p.ms(0.9), p.ms(0.99), p.maxMs());
    }

    private void coldAcquire(GatewayClient client, BenchGateway gateway, int count) throws Exception {
        long[] viaGateway = new long[count];
        long[] bare = new long[count];
        for (int i = 0; i < count; i++) { // interleaved, so that noise hits both alike
            long t0 = System.nanoTime();
            GatewayClient.Session s = client.acquire("cold", BenchGateway.LOCATION);
            viaGateway[i] = System.nanoTime() - t0;
            client.release(s.id()); // maxUses 1: the browser is stopped
            awaitNoInstances(gateway, "cold");
            try (BareChromium browser = BareChromium.start(chromium, root.resolve("p"), START_TIMEOUT)) {
                bare[i] = browser.startNanos();
            }
        }
        Percentiles g = Percentiles.of(viaGateway);
        Percentiles b = Percentiles.of(bare);
        System.out.println("## Cold acquire: POST /v1/sessions on pool cold (minIdle 0) vs a bare Chromium start");
        System.out.print(new TextTable("what", "n", "p50 ms", "p99 ms", "max ms")
                .row("gateway cold acquire (claim miss, start, wait)", g.count(), g.p50(), g.ms(0.99), g.maxMs())
                .row("bare Chromium start to 'DevTools listening'", b.count(), b.p50(), b.ms(0.99), b.maxMs()));
        System.out.printf("cold acquire / bare start (p50): %.2fx%n", g.p50() / b.p50());
        System.out.println("after: " + gateway.describe("cold") + "\n");
    }

    private static void awaitNoInstances(BenchGateway gateway, String pool) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (gateway.counts(pool).total() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private void screenshots(GatewayClient client, BenchGateway gateway, String url, int quickCount,
                             int perRequestCount, Duration window) throws Exception {
        // the quick request asks for the viewport a step-by-step client gets by default, so both render the same pixels
        byte[] barePng = perRequest(url);
        Png.Size size = Png.size(barePng);
        byte[] quickPng = client.screenshot(url, size);
        System.out.printf("## Screenshot of %s (%d-byte page): quick %s, browser-per-request %s%n", url,
                LocalPage.HTML.length, Png.describe(quickPng), Png.describe(barePng));
        for (int i = 0; i < 10; i++) {
            client.screenshot(url, size); // warm-up, not measured
        }
        long before = gateway.waited("browser");
        long[] waited = new long[3];
        LoadRun.Result paced = paced(PACED_COUNT, PACE, () -> timedScreenshot(client, url, size));
        LoadRun.Result q1 = LoadRun.run(1, quickCount, PHASE_LIMIT, () -> timedScreenshot(client, url, size));
        waited[0] = gateway.waited("browser");
        LoadRun.Result q2 = LoadRun.run(2, Integer.MAX_VALUE, window, () -> timedScreenshot(client, url, size));
        waited[1] = gateway.waited("browser");
        LoadRun.Result q4 = LoadRun.run(4, Integer.MAX_VALUE, window, () -> timedScreenshot(client, url, size));
        waited[2] = gateway.waited("browser");
        LoadRun.Result b1 = LoadRun.run(1, perRequestCount, PHASE_LIMIT, () -> timedPerRequest(url));
        LoadRun.Result b2 = LoadRun.run(2, Integer.MAX_VALUE, window, () -> timedPerRequest(url));
        TextTable table = new TextTable("what", "concurrency", "n", "errors", "p50 ms", "p95 ms", "max ms", "req/s",
                "claims that waited for a start");
        row(table, "quick, " + PACE.toSeconds() + " s pause before each request", 1, paced, "-");
        row(table, "quick: POST /v1/quick/screenshot", 1, q1, waited[0] - before);
        row(table, "quick: POST /v1/quick/screenshot", 2, q2, waited[1] - waited[0]);
        row(table, "quick: POST /v1/quick/screenshot", 4, q4, waited[2] - waited[1]);
        row(table, "browser per request: start + CDP (kill not in latency)", 1, b1, "-");
        row(table, "browser per request: start + CDP (kill not in latency)", 2, b2, "-");
        System.out.print(table);
        System.out.printf("browser-per-request / quick, p50 at concurrency 1: %.1fx; quick / browser-per-request,"
                + " req/s at concurrency 2: %.1fx%n", b1.percentiles().p50() / q1.percentiles().p50(),
                q2.throughput() / b2.throughput());
        System.out.println("after: " + gateway.describe("browser"));
        for (LoadRun.Result r : List.of(paced, q1, q2, q4, b1, b2)) {
            if (r.firstError() != null) {
                System.out.println("first error: " + r.firstError());
            }
        }
    }

    /**
     * {@code count} operations one after the other, each started {@code pace} after the previous one ended; a
     * rate makes no sense here, so the result has no elapsed time.
     */
    private static LoadRun.Result paced(int count, Duration pace, LoadRun.Operation op) throws Exception {
        long[] nanos = new long[count];
        for (int i = 0; i < count; i++) {
            Thread.sleep(pace);
            long t0 = System.nanoTime();
            nanos[i] = op.run() - t0;
        }
        return new LoadRun.Result(nanos, 0, null, 0);
    }

    private static void row(TextTable table, String what, int concurrency, LoadRun.Result r, Object waited) {
        Percentiles p = r.percentiles();
        table.row(what, concurrency, p.count(), r.errors(), p.p50(), p.ms(0.95), p.maxMs(),
                r.elapsedNanos() == 0 ? "-" : r.throughput(), waited);
    }

    /** What a peer without a pool does for each screenshot: start a browser, drive it over CDP, kill it. */
    private byte[] perRequest(String url) throws IOException {
        try (BareChromium browser = BareChromium.start(chromium, root.resolve("p"), START_TIMEOUT);
             CdpClient cdp = CdpClient.connect(http, browser.browserUrl(), START_TIMEOUT)) {
            return CdpScreenshot.capture(cdp, url);
        }
    }

    /** The same, timed: the result is in hand once the PNG arrived; killing the browser is cleanup after it. */
    private long timedPerRequest(String url) throws IOException {
        try (BareChromium browser = BareChromium.start(chromium, root.resolve("p"), START_TIMEOUT);
             CdpClient cdp = CdpClient.connect(http, browser.browserUrl(), START_TIMEOUT)) {
            CdpScreenshot.capture(cdp, url);
            return System.nanoTime();
        }
    }

    private static long timedScreenshot(GatewayClient client, String url, Png.Size size) throws Exception {
        client.screenshot(url, size);
        return System.nanoTime();
    }
}
