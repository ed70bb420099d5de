package io.warmpool.bench;

import io.warmpool.BrowserKind;
import io.warmpool.agent.internal.BrowserBinary;
import io.warmpool.core.PoolSettings;
import io.warmpool.core.sizing.SizingSettings;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Quick actions side by side, in one process and one run: the <b>anchor</b> (a warm {@code chromium-headless-shell}
 * and a fresh browser context per request over CDP, no gateway), <b>warmpool</b> through the gateway
 * ({@code POST /v1/quick/…} on a pool of headless shells, and on a pool of full Chromium as before), and a
 * <b>browser per request</b> (a headless shell started, used in its default context and killed). For screenshot,
 * pdf and content; at concurrency 1 with a pause before each request ("paced"), 1 back to back, and 4. Then the
 * CPU-seconds per action by process role (see {@link ProcessTree}) and the memory of a warm instance.
 * Everything it starts is stopped when it ends; every phase is bounded in count and time.
 *
 * <pre>
 * java -cp "warmpool-bench/target/warmpool-bench-0.1.0-SNAPSHOT.jar:warmpool-bench/target/lib/*" \
 *     io.warmpool.bench.QuickBench [--ops 40] [--paced 15] [--per-request 8] [--browsers 4] [--seconds 30]
 *     [--headless-shell /usr/bin/chromium-headless-shell] [--chromium /usr/bin/chromium]
 *     [--actions screenshot,pdf,content] [--systems anchor,anchor-flags,shell,shell-lean,chromium,per-request,direct]
 *     [--viewport 1920x1080]
 * </pre>
 * {@code anchor-flags} is the anchor given warmpool's browser flags and its PNG encoding ({@code optimizeForSpeed}),
 * so that a gain of warmpool's that comes from those alone shows; {@code shell-lean} is the headless-shell pool called
 * over pooled blocking keep-alive sockets instead of the JDK {@code HttpClient}, so that the load client's own cost
 * shows (both run by default). {@code shell-shared} (only when asked for) is a shared headless-shell pool of one
 * browser: no claim and no release, every action still in a fresh context of its own, all callers on one browser as
 * the anchor's are.
 * {@code --actions} and {@code --systems} run a subset (for a quick before/after of one change); the anchor always
 * runs, since every ratio is to it. {@code direct} (only when asked for) runs the anchor's own CDP procedure on the
 * headless-shell pool's browsers, round robin, past the agent and the gateway: it tells what the pool's browsers
 * cost from what the agent's way of driving them costs. Every system renders the same {@code --viewport}
 * (warmpool's default, 1920x1080, unless told; warmpool's requests name it, the others size their page with it).
 */
public final class QuickBench {
    private static final Set<String> OPTIONS = Set.of("ops", "paced", "per-request", "browsers", "seconds",
            "headless-shell", "chromium", "actions", "systems", "viewport");
    private static final List<String> SYSTEMS = List.of("anchor", "anchor-flags", "shell", "shell-lean", "chromium",
            "per-request", "direct", "shell-shared");
    private static final List<String> DEFAULT_SYSTEMS = SYSTEMS.subList(0, 6);
    private static final Duration PACE = Duration.ofMillis(500);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final String SHELL_POOL = "shell";
    private static final String CHROMIUM_POOL = "chromium";
    private static final String SHARED_POOL = "shared";

    /** One way of serving a quick action. */
    private interface Way {
        /** @return {@link System#nanoTime()} when the result was in hand */
        long run(CdpQuickAction.Kind kind) throws Exception;
    }

    private record Shape(String name, int concurrency, boolean paced) {
    }

    private final Path shell;
    private final Path chromium;
    private final Path root;
    private final Cleanup cleanup;
    private final ConcurrentLinkedQueue<double[]> outsideBrowser = new ConcurrentLinkedQueue<>();

    private final List<CdpQuickAction.Kind> actions;
    private final Set<String> systemNames;
    private final Png.Size viewport;

    private QuickBench(Path shell, Path chromium, Path root, Cleanup cleanup, List<CdpQuickAction.Kind> actions,
                       Set<String> systemNames, Png.Size viewport) {
        this.viewport = viewport;
        this.actions = actions;
        this.systemNames = systemNames;
        this.shell = shell;
        this.chromium = chromium;
        this.root = root;
        this.cleanup = cleanup;
    }

    public static void main(String[] args) throws Exception {
        BenchOptions o = BenchOptions.parse(args, OPTIONS);
        Path shell = BrowserBinary.unwrap(o.path("headless-shell", "/usr/bin/chromium-headless-shell"));
        Path chromium = o.chromium();
        try (Cleanup cleanup = new Cleanup()) {
            new QuickBench(shell, chromium, cleanup.tempDir("warmpool-quick-"), cleanup, actions(o), systems(o),
                    viewport(o)).run(o.count("ops", 40, 5_000),
                    o.count("paced", 15, 1_000), o.count("per-request", 8, 500), o.count("browsers", 4, 16),
                    o.seconds("seconds", 30, 600));
        }
    }

    private static List<CdpQuickAction.Kind> actions(BenchOptions o) {
        List<CdpQuickAction.Kind> out = new ArrayList<>();
        for (String a : o.text("actions", "screenshot,pdf,content").split(",")) {
            try {
                out.add(CdpQuickAction.Kind.valueOf(a.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--actions takes screenshot, pdf, content (got '" + a + "')");
            }
        }
        return List.copyOf(out);
    }

    private static Png.Size viewport(BenchOptions o) {
        return Png.Size.parse(o.text("viewport", "1920x1080"), "--viewport");
    }

    private static Set<String> systems(BenchOptions o) {
        Set<String> out = new java.util.LinkedHashSet<>(List.of("anchor"));
        for (String s : o.text("systems", String.join(",", DEFAULT_SYSTEMS)).split(",")) {
            if (!SYSTEMS.contains(s.trim())) {
                throw new IllegalArgumentException("--systems takes " + SYSTEMS + " (got '" + s + "')");
            }
            out.add(s.trim());
        }
        return out;
    }

    private void run(int ops, int paced, int perRequest, int browsers, Duration window) throws Exception {
        System.out.println(MachineInfo.describe(shell).text());
        System.out.printf("options: --ops %d --paced %d --per-request %d --browsers %d --seconds %d --viewport %dx%d%n%n",
                ops, paced, perRequest, browsers, window.toSeconds(), viewport.width(), viewport.height());
        Files.createDirectories(root.resolve("p"));
        HttpClient http = cleanup.add(GatewayClient.newHttpClient());
        LocalPage page = cleanup.add(new LocalPage());
        BareChromium anchorBrowser = cleanup.add(BareChromium.start(shell, root.resolve("p"), START_TIMEOUT));
        CdpClient anchor = cleanup.add(CdpClient.connect(http, anchorBrowser.browserUrl(), START_TIMEOUT));
        CdpClient anchorFlags = null;
        if (systemNames.contains("anchor-flags")) {
            BareChromium b = cleanup.add(BareChromium.start(shell, root.resolve("p"), START_TIMEOUT,
                    io.warmpool.agent.internal.ChromiumLauncher.FLAGS));
            anchorFlags = cleanup.add(CdpClient.connect(http, b.browserUrl(), START_TIMEOUT));
        }
        List<PoolSettings> pools = new ArrayList<>();
        if (systemNames.contains("shell")) {
            // fixed sizing: exactly --browsers warm instances, so that no browser starts (or stops) in a timed cell
            pools.add(PoolSettings.builder(SHELL_POOL).browser(BrowserKind.HEADLESS_SHELL).minIdle(browsers)
                    .maxSize(browsers * 2).maxUses(1_000_000).maxLifetime(Duration.ofHours(2))
                    .sizing(SizingSettings.fixed(browsers)).build());
        }
        if (systemNames.contains("chromium")) {
            pools.add(PoolSettings.builder(CHROMIUM_POOL).browser(BrowserKind.CHROMIUM).minIdle(browsers)
                    .maxSize(browsers * 2).maxUses(1_000_000).maxLifetime(Duration.ofHours(2))
                    .sizing(SizingSettings.fixed(browsers)).build());
        }
        if (systemNames.contains("shell-shared")) {
            pools.add(PoolSettings.builder(SHARED_POOL).browser(BrowserKind.HEADLESS_SHELL).shared(true).minIdle(1)
                    .maxSize(2).maxUses(1_000_000).maxLifetime(Duration.ofHours(2)).sizing(SizingSettings.fixed(1))
                    .build());
        }
        BenchGateway gateway = pools.isEmpty() ? null
                : cleanup.add(BenchGateway.start(root.resolve("data"), chromium, pools));
        for (PoolSettings pool : pools) {
            // generous: on a loaded machine an agent JVM alone may take most of a minute to start
            gateway.awaitWarm(pool.name(), pool.shared() ? 1 : browsers, Duration.ofMinutes(6));
        }
        GatewayClient client = gateway == null ? null : new GatewayClient(http, gateway.url());
        String url = page.url();

        Map<String, Way> systems = new java.util.LinkedHashMap<>();
        systems.put("anchor: warm headless shell, fresh context", kind -> CdpQuickAction.run(anchor, kind, url, true,
                viewport));
        if (anchorFlags != null) {
            CdpClient cdp = anchorFlags;
            systems.put("anchor, warmpool's flags and PNG encoding", kind -> CdpQuickAction.run(cdp, kind, url, true,
                    viewport, true));
        }
        if (systemNames.contains("shell")) {
            systems.put("warmpool, headless-shell pool", kind -> timedQuick(client, kind, SHELL_POOL, url));
        }
        if (systemNames.contains("shell-lean") && systemNames.contains("shell")) {
            GatewayClient lean = client.lean(cleanup.add(new io.warmpool.server.local.AgentConnections()));
            systems.put("warmpool, headless-shell pool, lean client", kind -> timedQuick(lean, kind, SHELL_POOL, url));
        }
        if (systemNames.contains("shell-shared")) {
            systems.put("warmpool, shared headless-shell pool, 1 browser", kind -> timedQuick(client, kind, SHARED_POOL,
                    "bench", url));
        }
        if (systemNames.contains("chromium")) {
            systems.put("warmpool, chromium pool", kind -> timedQuick(client, kind, CHROMIUM_POOL, url));
        }
        if (systemNames.contains("direct") && systemNames.contains("shell")) {
            List<CdpClient> pool = new ArrayList<>();
            for (ProcessHandle agent : ProcessTree.agents()) {
                for (ProcessHandle b : ProcessTree.browsers(agent)) {
                    java.net.URI cdp = b.info().command().orElse("").endsWith("headless-shell")
                            ? ProcessTree.devtoolsUrl(b) : null;
                    if (cdp != null) {
                        pool.add(cleanup.add(CdpClient.connect(http, cdp, START_TIMEOUT)));
                    }
                }
            }
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            systems.put("anchor's procedure on the pool's browsers (no agent)", kind -> CdpQuickAction.run(
                    pool.get(Math.floorMod(next.getAndIncrement(), pool.size())), kind, url, true, viewport));
        }
        if (systemNames.contains("per-request")) {
            systems.put("browser per request (headless shell)", kind -> perRequest(http, kind, url));
        }
        for (Way s : systems.values()) { // warm-up: JIT, caches, each pool's spares
            LoadRun.run(browsers, browsers * 3, window, () -> s.run(CdpQuickAction.Kind.SCREENSHOT));
        }
        WarmMemory.print(anchorBrowser, chromium, root.resolve("p"), browsers); // every instance warm, spares ready

        List<Shape> shapes = List.of(new Shape("1, paced", 1, true), new Shape("1, back to back", 1, false),
                new Shape("4", 4, false));
        TextTable table = new TextTable("action", "concurrency", "system", "n", "errors", "p50 ms", "p95 ms", "req/s",
                "p50 / anchor", "req/s / anchor");
        for (CdpQuickAction.Kind kind : actions) {
            for (Shape shape : shapes) {
                LoadRun.Result anchorResult = null;
                for (Map.Entry<String, Way> e : systems.entrySet()) {
                    boolean expensive = e.getKey().startsWith("browser per request");
                    int n = expensive ? perRequest : shape.paced() ? paced : ops;
                    outsideBrowser.clear();
                    LoadRun.Result r = shape.paced() ? paced(n, window, () -> e.getValue().run(kind))
                            : LoadRun.run(shape.concurrency(), n, window, () -> e.getValue().run(kind));
                    anchorResult = anchorResult == null ? r : anchorResult;
                    Percentiles p = r.percentiles();
                    table.row(kind.name().toLowerCase(Locale.ROOT), shape.name(), e.getKey(), p.count(), r.errors(),
                            p.p50(), p.ms(0.95), shape.paced() ? Double.NaN : r.throughput(),
                            ratio(p.p50(), anchorResult.percentiles().p50()),
                            shape.paced() ? "-" : ratio(r.throughput(), anchorResult.throughput()));
                    System.out.printf("%s, %s, %s: n=%d p50 %.1f ms, %.2f req/s%n", kind, shape.name(), e.getKey(),
                            p.count(), p.p50(), r.throughput());
                    if (r.firstError() != null) {
                        System.out.println("first error (" + e.getKey() + "): " + r.firstError());
                    }
                    if (e.getKey().startsWith("warmpool, ") && !e.getKey().contains("chromium") && shape.concurrency() == 1
                            && !shape.paced()) {
                        printOutsideBrowser(kind + " " + e.getKey() + " back to back");
                    }
                }
            }
        }
        System.out.println("\n" + table);
        System.out.println(MachineInfo.loadAverage() + "\n");
        cpuPerAction(systems, ops, window);
        System.out.println(MachineInfo.loadAverage());
    }

    private long timedQuick(GatewayClient client, CdpQuickAction.Kind kind, String pool, String url) throws Exception {
        return timedQuick(client, kind, pool, null, url);
    }

    private long timedQuick(GatewayClient client, CdpQuickAction.Kind kind, String pool, String tenant, String url)
            throws Exception {
        long t0 = System.nanoTime();
        GatewayClient.QuickAnswer a = client.quick(kind.name().toLowerCase(Locale.ROOT), pool, tenant, url, viewport);
        long done = System.nanoTime();
        double clientMs = (done - t0) / 1e6;
        // outside the browser; the gateway's own part (claim, release, routing); the hop to the agent and back
        // (HTTP both ways, the agent's parsing and answer); the hop from the client to the gateway and back
        outsideBrowser.add(new double[] {clientMs - a.inBrowserMs(), a.gatewayMs(), a.agentCallMs() - a.inBrowserMs(),
                clientMs - a.gatewayMs() - a.agentCallMs(), a.claimMs(), a.releaseMs(),
                a.agentHandlerMs() - a.inBrowserMs(), a.agentCallMs() - a.agentHandlerMs()});
        return done;
    }

    private void printOutsideBrowser(String what) {
        String[] names = {"outside the browser (client latency minus the agent's time in the browser)",
                "gateway's own part (claim, release, routing; Server-Timing gateway)",
                "gateway -> agent -> gateway, minus the browser", "client -> gateway -> client, minus the gateway",
                "of the gateway's part: the claim", "of the gateway's part: the release",
                "of the hop to the agent: the agent's handler outside the browser",
                "of the hop to the agent: HTTP both ways (agent call minus the agent's handler)"};
        for (int i = 0; i < names.length; i++) {
            int k = i;
            System.out.printf("%s: %s p50 %.2f ms%n", what, names[i],
                    Percentiles.of(outsideBrowser.stream().mapToLong(v -> Math.round(v[k] * 1e6)).toArray()).p50());
        }
    }

    private long perRequest(HttpClient http, CdpQuickAction.Kind kind, String url) throws Exception {
        try (BareChromium browser = BareChromium.start(shell, root.resolve("p"), START_TIMEOUT);
             CdpClient cdp = CdpClient.connect(http, browser.browserUrl(), START_TIMEOUT)) {
            return CdpQuickAction.run(cdp, kind, url, false, viewport);
        }
    }

    /** {@code n} operations one at a time, each after a pause (the pause is not timed). */
    private static LoadRun.Result paced(int n, Duration window, LoadRun.Operation op) throws InterruptedException {
        List<Long> latencies = new ArrayList<>();
        int errors = 0;
        String first = null;
        long begin = System.nanoTime();
        for (int i = 0; i < n && System.nanoTime() - begin < window.toNanos(); i++) {
            Thread.sleep(PACE);
            long t0 = System.nanoTime();
            try {
                latencies.add(op.run() - t0);
            } catch (Exception e) {
                errors++;
                first = first == null ? e.toString() : first;
            }
        }
        return new LoadRun.Result(latencies.stream().mapToLong(Long::longValue).toArray(), errors, first,
                System.nanoTime() - begin);
    }

    /** Screenshots at concurrency 4, CPU-seconds per action by process role, for each system but the slowest. */
    private static void cpuPerAction(Map<String, Way> systems, int ops, Duration window) throws Exception {
        TextTable cpu = new TextTable("system", "n", "role", "CPU ms per action");
        for (Map.Entry<String, Way> e : systems.entrySet()) {
            if (e.getKey().startsWith("browser per request")) {
                continue;
            }
            Map<String, Double> before = ProcessTree.cpuSeconds();
            LoadRun.Result r = LoadRun.run(4, ops, window, () -> e.getValue().run(CdpQuickAction.Kind.SCREENSHOT));
            Map<String, Double> used = ProcessTree.minus(ProcessTree.cpuSeconds(), before);
            int n = r.latencies().length;
            if (n == 0) {
                System.out.println("CPU run of " + e.getKey() + " had no successful action: " + r.errors()
                        + " errors, first: " + r.firstError());
                continue;
            }
            double total = 0;
            for (Map.Entry<String, Double> role : used.entrySet()) {
                if (Math.abs(role.getValue()) >= 0.005) {
                    cpu.row(e.getKey(), n, role.getKey(), role.getValue() * 1000 / n);
                    total += role.getValue();
                }
            }
            cpu.row(e.getKey(), n, "total", total * 1000 / n);
        }
        System.out.println("CPU per screenshot at concurrency 4 (all processes of this run, idle ones included):");
        System.out.println(cpu);
    }

    private static String ratio(double value, double anchor) {
        return "%.2fx".formatted(value / anchor);
    }
}
