package io.warmpool.bench;

import io.warmpool.core.PoolSettings;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Chatty CDP against one request, with real round-trip time: a {@link DelayRelay} between this client and a real
 * gateway, at each RTT (default 0, 10 and 40 ms), alternating (a) a screenshot taken step by step over CDP through
 * a session ({@code POST /v1/sessions}, open its {@code webSocketDebuggerUrl} through the relay, the steps of
 * {@link CdpScreenshot}) and (b) the same screenshot as one {@code POST /v1/quick/screenshot} through the relay.
 * Each timed operation starts after a {@link #SETTLE} pause. Reports medians per RTT and, by least squares over the
 * RTTs, how many ms each adds per ms of RTT, beside {@code GET /healthz} as the relay's calibration (slope 1).
 *
 * <pre>
 * java -cp "warmpool-bench/target/warmpool-bench-0.1.0-SNAPSHOT.jar:warmpool-bench/target/lib/*" \
 *     io.warmpool.bench.ChattyVsQuick [--samples 30] [--chromium /usr/bin/chromium]
 * </pre>
 */
public final class ChattyVsQuick {
    static final int[] RTTS_MS = {0, 10, 40};
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /**
     * Pause before each timed operation, so that what the previous one left the browser to do (disposing a context,
     * preparing a spare page, a reset) is done and does not blur the RTT slope; back to back is the load driver's job.
     */
    private static final Duration SETTLE = Duration.ofSeconds(1);

    private ChattyVsQuick() {
    }

    /** Medians of one RTT, in ms: the quick request, the CDP steps alone, and acquire + connect + steps. */
    private record Medians(int rttMs, double health, double quick, double steps, double session, int connections) {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions o = BenchOptions.parse(args, Set.of("samples", "chromium"));
        int samples = o.count("samples", 30, 1_000);
        Path chromium = o.chromium();
        System.out.println(MachineInfo.describe(chromium).text());
        System.out.printf("options: --samples %d; RTTs %s ms%n%n", samples, Arrays.toString(RTTS_MS));
        List<Medians> rows = new ArrayList<>();
        try (Cleanup cleanup = new Cleanup()) {
            Path root = cleanup.tempDir("warmpool-chatty-");
            LocalPage page = cleanup.add(new LocalPage());
            BenchGateway gateway = cleanup.add(BenchGateway.start(root.resolve("data"), chromium,
                    List.of(PoolSettings.builder("browser").minIdle(2).maxSize(4).maxUses(100_000).build())));
            gateway.awaitWarm("browser", 2, Duration.ofMinutes(2));
            int port = URI.create(gateway.url()).getPort();
            Png.Size size = null;
            for (int rtt : RTTS_MS) {
                try (DelayRelay relay = new DelayRelay("127.0.0.1", port, Duration.ofMillis(rtt));
                     HttpClient http = GatewayClient.newHttpClient()) {
                    GatewayClient client = new GatewayClient(http, "http://" + relay.hostPort());
                    if (size == null) { // the quick request renders the viewport a CDP client gets by default
                        size = Png.size(chatty(client, http, relay, gateway, page.url(), new long[3]));
                        System.out.println("screenshots: " + size.width() + "x" + size.height() + " PNG both ways\n");
                        for (int i = 0; i < 5; i++) { // warm-up, not measured
                            chatty(client, http, relay, gateway, page.url(), new long[3]);
                            client.screenshot(page.url(), size);
                        }
                    }
                    rows.add(measure(client, http, relay, gateway, page.url(), size, rtt, samples));
                }
            }
        }
        print(rows);
        System.out.println(MachineInfo.loadAverage());
    }

    private static Medians measure(GatewayClient client, HttpClient http, DelayRelay relay, BenchGateway gateway,
                                   String url, Png.Size size, int rtt, int samples) throws Exception {
        long[] quick = new long[samples];
        long[] steps = new long[samples];
        long[] session = new long[samples];
        long[] health = new long[samples];
        client.screenshot(url, size); // opens the keep-alive connection through this relay; not measured
        for (int i = 0; i < samples; i++) { // alternating, so that noise hits both alike
            long h0 = System.nanoTime();
            client.health();
            health[i] = System.nanoTime() - h0;
            long[] phases = new long[3];
            Thread.sleep(SETTLE);
            chatty(client, http, relay, gateway, url, phases);
            steps[i] = phases[2] - phases[1];
            session[i] = phases[2] - phases[0];
            Thread.sleep(SETTLE);
            long t0 = System.nanoTime();
            client.screenshot(url, size);
            quick[i] = System.nanoTime() - t0;
        }
        return new Medians(rtt, Percentiles.of(health).p50(), Percentiles.of(quick).p50(), Percentiles.of(steps).p50(), Percentiles.of(session).p50(),
                relay.connections());
    }

    /**
     * One step-by-step screenshot through a session, all through the relay; {@code phases} gets the start, the
     * moment the WebSocket is open, and the moment the steps are done. Then the session is released and, untimed,
     * the pool is let warm up again.
     */
    private static byte[] chatty(GatewayClient client, HttpClient http, DelayRelay relay, BenchGateway gateway,
                                 String url, long[] phases) throws Exception {
        phases[0] = System.nanoTime();
        GatewayClient.Session s = client.acquire("browser", BenchGateway.LOCATION);
        URI ws = URI.create(s.webSocketDebuggerUrl());
        // same path and query (the session's token), but through the relay
        URI viaRelay = URI.create("ws://" + relay.hostPort() + ws.getRawPath()
                + (ws.getRawQuery() == null ? "" : "?" + ws.getRawQuery()));
        byte[] png;
        try (CdpClient cdp = CdpClient.connect(http, viaRelay, TIMEOUT)) {
            phases[1] = System.nanoTime();
            png = CdpScreenshot.capture(cdp, url);
            phases[2] = System.nanoTime();
        } finally {
            client.release(s.id());
        }
        gateway.awaitWarm("browser", 2, TIMEOUT);
        return png;
    }

    private static void print(List<Medians> rows) {
        TextTable table = new TextTable("RTT ms", "GET /healthz, p50 ms", "quick: one POST, p50 ms", "CDP steps on an open session, p50 ms",
                "CDP incl. acquire + connect, p50 ms", "quick faster than CDP incl. acquire by", "relay connections");
        for (Medians m : rows) {
            table.row(m.rttMs(), m.health(), m.quick(), m.steps(), m.session(),
                    "%.0f%%".formatted(100 * (1 - m.quick() / m.session())), m.connections());
        }
        System.out.print(table);
        double[] x = rows.stream().mapToDouble(Medians::rttMs).toArray();
        System.out.printf("slope, ms added per ms of RTT (least squares over %s): GET /healthz %.2f, quick %.2f,"
                        + " CDP steps %.2f, CDP incl. acquire + connect %.2f%n", Arrays.toString(RTTS_MS),
                slope(x, rows.stream().mapToDouble(Medians::health).toArray()),
                slope(x, rows.stream().mapToDouble(Medians::quick).toArray()),
                slope(x, rows.stream().mapToDouble(Medians::steps).toArray()),
                slope(x, rows.stream().mapToDouble(Medians::session).toArray()));
    }

    /** Least-squares slope of y over x. */
    static double slope(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElse(0);
        double my = Arrays.stream(y).average().orElse(0);
        double num = 0;
        double den = 0;
        for (int i = 0; i < x.length; i++) {
            num += (x[i] - mx) * (y[i] - my);
            den += (x[i] - mx) * (x[i] - mx);
        }
        return num / den;
    }
}
