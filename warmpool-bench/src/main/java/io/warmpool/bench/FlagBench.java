package io.warmpool.bench;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Chromium flag sets side by side on the anchor's path (a warm headless shell, a fresh browser context per
 * screenshot, over CDP): one browser per set, all started at once, then rounds in which each set in turn serves
 * {@code --ops} screenshots at concurrency 4. Per set and round: screenshots/s, p50, and the CPU-ms per screenshot
 * of that browser and all its processes (renderers that exited included). The rounds interleave the sets so that
 * the machine's other load falls on all of them alike; compare within a round. Bounded in count and time; every
 * browser is killed at the end.
 *
 * <pre>
 * java -cp "$CP" io.warmpool.bench.FlagBench --sets "|--in-process-gpu" [--ops 40] [--rounds 3] [--seconds 20]
 *     [--viewport 1280x720]
 * </pre>
 * {@code --sets}: flag sets separated by {@code |}, flags within a set by spaces; an empty set is the baseline.
 * Words starting with {@code @} change the action instead of the browser: {@code @emulate} sizes the page with
 * {@code Emulation.setDeviceMetricsOverride} (as the agent does) rather than {@code createTarget}'s width and height,
 * {@code @lifecycle} turns on {@code Page.setLifecycleEventsEnabled} (as the agent does), {@code @fast} asks for
 * {@code optimizeForSpeed} PNG encoding, and {@code @proxy} gives each context the agent's
 * egress proxy of its own (its CPU is in this JVM: the last column, which also
 * holds the CDP client's), {@code @spare} lets the page sit 200 ms
 * before it navigates (as a spare page waits for its action), {@code @spread} runs the set on 4 browsers in turn instead of
 * one (the CPU of all 4 counted). To split an action's cost into its steps: {@code @nonav} captures about:blank
 * without navigating, {@code @nocapture} navigates and captures nothing, {@code @capture3} captures three times.
 */
public final class FlagBench {
    private static final Set<String> OPTIONS = Set.of("sets", "ops", "rounds", "seconds", "headless-shell", "action", "viewport");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    /** Bytes of the screenshots a variant took (about: base64 length x 3/4), to show what an encoding costs in size. */
    private static final java.util.concurrent.atomic.LongAdder PNG_BYTES = new java.util.concurrent.atomic.LongAdder();

    private FlagBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions o = BenchOptions.parse(args, OPTIONS);
        Path shell = io.warmpool.agent.internal.BrowserBinary.unwrap(
                o.path("headless-shell", "/usr/bin/chromium-headless-shell"));
        List<List<String>> sets = new ArrayList<>();
        for (String set : o.text("sets", "").split("\\|", -1)) {
            sets.add(set.isBlank() ? List.of() : Arrays.asList(set.trim().split("\\s+")));
        }
        CdpQuickAction.Kind kind = CdpQuickAction.Kind.valueOf(o.text("action", "screenshot").toUpperCase(Locale.ROOT));
        int ops = o.count("ops", 40, 5_000);
        int rounds = o.count("rounds", 3, 50);
        Duration window = o.seconds("seconds", 20, 600);
        Png.Size viewport = Png.Size.parse(o.text("viewport", "1280x720"), "--viewport");
        try (Cleanup cleanup = new Cleanup()) {
            Path profiles = Files.createDirectories(cleanup.tempDir("warmpool-flags-").resolve("p"));
            HttpClient http = cleanup.add(GatewayClient.newHttpClient());
            LocalPage page = cleanup.add(new LocalPage());
            List<List<BareChromium>> browsers = new ArrayList<>();
            List<List<CdpClient>> clients = new ArrayList<>();
            for (List<String> set : sets) {
                int count = set.contains("@spread") ? 4 : 1;
                List<BareChromium> mine = new ArrayList<>();
                List<CdpClient> cdps = new ArrayList<>();
                for (int k = 0; k < count; k++) {
                    BareChromium b = cleanup.add(BareChromium.start(shell, profiles, START_TIMEOUT,
                            set.stream().filter(f -> !f.startsWith("@")).toList()));
                    mine.add(b);
                    cdps.add(cleanup.add(CdpClient.connect(http, b.browserUrl(), START_TIMEOUT)));
                }
                browsers.add(mine);
                clients.add(cdps);
            }
            System.out.println(MachineInfo.describe(shell).text());
            TextTable table = new TextTable("round", "flags", "n", "errors", "p50 ms", "req/s", "CPU ms per action",
                    "bench JVM CPU ms per action", "KB per screenshot (variants)");
            for (int round = 0; round <= rounds; round++) {
                for (int i = 0; i < sets.size(); i++) {
                    List<CdpClient> cdps = clients.get(i);
                    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
                    java.util.function.Supplier<CdpClient> pick = () -> cdps.get(next.getAndIncrement() % cdps.size());
                    double before = cpu(browsers.get(i));
                    long bytesBefore = PNG_BYTES.sum();
                    long jvmBefore = jvmCpuNanos();
                    List<String> set = sets.get(i);
                    LoadRun.Result r = LoadRun.run(4, round == 0 ? 8 : ops, window, set.stream().anyMatch(f ->
                            f.startsWith("@") && !f.equals("@spread")) ? () -> variant(pick.get(), page.url(), set, viewport)
                            : () -> CdpQuickAction.run(pick.get(), kind, page.url(), true, viewport));
                    double used = cpu(browsers.get(i)) - before;
                    double jvmMs = (jvmCpuNanos() - jvmBefore) / 1e6;
                    int n = r.latencies().length;
                    if (round > 0) { // round 0 warms up each browser
                        table.row(round, sets.get(i).isEmpty() ? "(baseline)" : String.join(" ", sets.get(i)), n,
                                r.errors(), r.percentiles().p50(), r.throughput(), n == 0 ? Double.NaN : used * 1000 / n,
                                n == 0 ? Double.NaN : jvmMs / n,
                                n == 0 ? Double.NaN : (PNG_BYTES.sum() - bytesBefore) / 1024.0 / n);
                    }
                    if (r.firstError() != null) {
                        System.out.println("first error (" + sets.get(i) + "): " + r.firstError());
                    }
                }
            }
            System.out.println(table);
            System.out.println(MachineInfo.loadAverage());
        }
    }

    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double cpu(List<BareChromium> browsers) {
        return browsers.stream().mapToDouble(b -> ProcessTree.cpuSecondsOf(b.pid())).sum();
    }

    /** A screenshot in a fresh context, changed as the {@code @} words of {@code set} say (see the class comment). */
    private static long variant(CdpClient cdp, String url, List<String> set, Png.Size viewport) throws Exception {
        Duration t = CdpQuickAction.STEP_TIMEOUT;
        boolean emulate = set.contains("@emulate");
        java.util.Map<String, Object> context = new java.util.HashMap<>(java.util.Map.of("disposeOnDetach", true));
        io.warmpool.agent.internal.BenchEgress egress = null;
        if (set.contains("@proxy")) { // the agent's own egress proxy, one per context, as a quick action has
            egress = io.warmpool.agent.internal.BenchEgress.start("127.0.0.1/32");
            context.put("proxyServer", egress.proxyServer());
            context.put("proxyBypassList", "<-loopback>");
        }
        String ctx = cdp.call("Target.createBrowserContext", context, null, t).path("browserContextId").asText();
        try {
            java.util.Map<String, Object> target = new java.util.HashMap<>(java.util.Map.of("url", "about:blank",
                    "browserContextId", ctx));
            if (!emulate) {
                target.put("width", viewport.width());
                target.put("height", viewport.height());
            }
            String targetId = cdp.call("Target.createTarget", target, null, t).path("targetId").asText();
            String session = cdp.call("Target.attachToTarget", java.util.Map.of("targetId", targetId, "flatten", true),
                    null, t).path("sessionId").asText();
            cdp.call("Page.enable", null, session, t);
            if (set.contains("@lifecycle")) {
                cdp.call("Page.setLifecycleEventsEnabled", java.util.Map.of("enabled", true), session, t);
            }
            if (emulate) {
                cdp.call("Emulation.setDeviceMetricsOverride", java.util.Map.of("width", viewport.width(), "height", viewport.height(),
                        "deviceScaleFactor", 1, "mobile", false), session, t);
            }
            if (set.contains("@spare")) {
                Thread.sleep(200); // a spare page waits for its action, drawn and idle
            }
            if (!set.contains("@nonav")) {
                var loaded = cdp.nextEvent("Page.loadEventFired", session);
                cdp.call("Page.navigate", java.util.Map.of("url", url), session, t);
                CdpClient.await(loaded, t, "Page.loadEventFired");
            }
            java.util.Map<String, Object> shot = new java.util.HashMap<>(java.util.Map.of("format", "png"));
            if (set.contains("@fast")) {
                shot.put("optimizeForSpeed", true);
            }
            int captures = set.contains("@nocapture") ? 0 : set.contains("@capture3") ? 3 : 1;
            for (int c = 0; c < captures; c++) {
                String data = cdp.call("Page.captureScreenshot", shot, session, t).path("data").asText();
                if (data.isEmpty()) {
                    throw new java.io.IOException("empty screenshot");
                }
                PNG_BYTES.add(data.length() * 3L / 4);
            }
            return System.nanoTime();
        } finally {
            cdp.call("Target.disposeBrowserContext", java.util.Map.of("browserContextId", ctx), null, t);
            if (egress != null) {
                egress.close();
            }
        }
    }
}
