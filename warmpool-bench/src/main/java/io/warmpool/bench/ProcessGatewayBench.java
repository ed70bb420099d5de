package io.warmpool.bench;

import io.warmpool.Instance;
import io.warmpool.embedded.Lease;
import io.warmpool.embedded.WarmPool;
import io.warmpool.process.LocalProcessProvider;
import io.warmpool.process.ProcessTemplate;
import io.warmpool.process.Readiness;
import io.warmpool.server.Gateway;
import io.warmpool.server.Main;
import io.warmpool.server.config.ConfigReader;
import io.warmpool.server.config.GatewayConfig;
import io.warmpool.server.local.AgentClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Warm acquire of a process instance three ways in one run, interleaved: through the gateway (HTTP
 * {@code POST /v1/sessions}, then one GET through {@code /v1/sessions/{id}/proxy/}, then {@code DELETE}), through
 * the library (in-process {@link WarmPool}, then one GET to the lease's URL), and starting the process cold
 * ({@link LocalProcessProvider#start}, then one GET). Each round: one cold start, then {@code --warm-per-cold} of
 * each warm kind alternately. Timed: until the instance is handed over ("acquire"/"ready") and until its first HTTP
 * answer reached the caller. The process is {@code python3 -m http.server {port}}; both pools are kept at
 * {@code minIdle} 4, {@code maxSize} 8, the gateway's on its SQLite shard (no API keys, the anonymous session rate
 * limit raised so that it does not meter the loop). Prints the load average at start and end and
 * one JSON line.
 *
 * <pre>{@code java -cp "$CP" io.warmpool.bench.ProcessGatewayBench --rounds 10 --warm-per-cold 50}</pre>
 */
public final class ProcessGatewayBench {
    private ProcessGatewayBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions o = BenchOptions.parse(args, Set.of("rounds", "warm-per-cold"));
        int rounds = o.count("rounds", 10, 1_000);
        int warmPerCold = o.count("warm-per-cold", 50, 10_000);
        String loadStart = MachineInfo.loadAverage();
        Path dir = Files.createTempDirectory("process-gateway-bench");
        String[] command = {"python3", "-m", "http.server", "{port}", "--bind", "127.0.0.1", "--directory", "{dataDir}"};
        ProcessTemplate template = ProcessTemplate.builder(command)
                .readiness(Readiness.http("http://127.0.0.1:{port}/")).build();
        long[] coldReady = new long[rounds];
        long[] coldAnswer = new long[rounds];
        int n = rounds * warmPerCold;
        long[] libAcquire = new long[n];
        long[] libAnswer = new long[n];
        long[] gwAcquire = new long[n];
        long[] gwAnswer = new long[n];
        int libWaited = 0;
        int gwWaited = 0;
        try (HttpClient http = HttpClient.newHttpClient();
             AgentClient agents = new AgentClient();
             LocalProcessProvider cold = new LocalProcessProvider(Map.of("cold", template), dir.resolve("cold"));
             WarmPool pool = WarmPool.builder().template(template).minIdle(4).maxSize(8).dataDir(dir.resolve("lib"))
                     .build();
             Gateway gw = Main.start(gatewayConfig(dir, command), agents)) {
            awaitWarm(() -> pool.status().counts().warm() >= 4
                    && gw.regions().get("weur").pool("echo").counts().warm() >= 4);
            int w = 0;
            for (int r = 0; r < rounds; r++) {
                Instant now = Instant.now();
                Instance instance = Instance.starting("c-" + r, "local", "cold", "local", "bench", "1", now,
                        now.plusSeconds(600));
                long t0 = System.nanoTime();
                URI url = URI.create(cold.start(instance).agentUrl());
                coldReady[r] = System.nanoTime() - t0;
                get(http, url.resolve("/"));
                coldAnswer[r] = System.nanoTime() - t0;
                cold.stop(instance);
                for (int i = 0; i < warmPerCold; i++, w++) {
                    long t1 = System.nanoTime();
                    try (Lease lease = pool.acquire("s-" + w, Duration.ofSeconds(10))) {
                        libAcquire[w] = System.nanoTime() - t1;
                        get(http, lease.url().resolve("/"));
                        libAnswer[w] = System.nanoTime() - t1;
                        libWaited += lease.warm() ? 0 : 1;
                    }
                    long t2 = System.nanoTime();
                    HttpResponse<String> acquired = http.send(HttpRequest.newBuilder(URI.create(gw.url() + "/v1/sessions"))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"pool\":\"echo\",\"sessionId\":\"g-" + w + "\"}")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    gwAcquire[w] = System.nanoTime() - t2;
                    if (acquired.statusCode() != 201) {
                        throw new IllegalStateException("acquire answered " + acquired.statusCode() + ": " + acquired.body());
                    }
                    get(http, URI.create(gw.url() + "/v1/sessions/g-" + w + "/proxy/"));
                    gwAnswer[w] = System.nanoTime() - t2;
                    gwWaited += acquired.body().contains("\"warm\":true") ? 0 : 1;
                    http.send(HttpRequest.newBuilder(URI.create(gw.url() + "/v1/sessions/g-" + w)).DELETE().build(),
                            HttpResponse.BodyHandlers.discarding());
                }
            }
        } finally {
            io.warmpool.process.ProcessGroup.deleteTree(dir);
        }
        Percentiles ca = Percentiles.of(coldAnswer);
        Percentiles la = Percentiles.of(libAcquire);
        Percentiles ln = Percentiles.of(libAnswer);
        Percentiles ga = Percentiles.of(gwAcquire);
        Percentiles gn = Percentiles.of(gwAnswer);
        System.out.println("load average at start: " + loadStart + ", at end: " + MachineInfo.loadAverage());
        System.out.printf(Locale.ROOT, "{\"rounds\":%d,\"warmAcquiresEach\":%d,\"libraryWaited\":%d,\"gatewayWaited\":%d,"
                        + "\"coldReadyP50Ms\":%.2f,\"coldFirstAnswerP50Ms\":%.2f,\"coldFirstAnswerP99Ms\":%.2f,"
                        + "\"libraryAcquireP50Ms\":%.3f,\"libraryAcquireP99Ms\":%.3f,"
                        + "\"libraryFirstAnswerP50Ms\":%.3f,\"libraryFirstAnswerP99Ms\":%.3f,"
                        + "\"gatewayAcquireP50Ms\":%.3f,\"gatewayAcquireP99Ms\":%.3f,"
                        + "\"gatewayFirstAnswerP50Ms\":%.3f,\"gatewayFirstAnswerP99Ms\":%.3f,"
                        + "\"coldOverGatewayFirstAnswerP50\":%.1f,\"gatewayOverLibraryFirstAnswerP50\":%.1f}%n",
                rounds, n, libWaited, gwWaited, Percentiles.of(coldReady).p50(), ca.p50(), ca.ms(0.99), la.p50(),
                la.ms(0.99), ln.p50(), ln.ms(0.99), ga.p50(), ga.ms(0.99), gn.p50(), gn.ms(0.99), ca.p50() / gn.p50(),
                gn.p50() / ln.p50());
    }

    private static GatewayConfig gatewayConfig(Path dir, String[] command) throws Exception {
        String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(command);
        return ConfigReader.parse("""
                {"regions": {"weur": {"zones": ["weur-a"]}}, "defaultRegion": "weur",
                 "auth": {"anonymousLimits": {"maxSessions": 1000, "sessionsPerMinute": 1000000}},
                 "pools": {"echo": {"minIdle": 4, "maxSize": 8, "template": {"process": {"command": %s,
                   "readiness": {"http": "http://127.0.0.1:{port}/"}}}}}}""".formatted(json),
                GatewayConfig.demo(dir.resolve("gateway"), Path.of("/usr/bin/chromium"), 0));
    }

    private static void awaitWarm(java.util.function.BooleanSupplier warm) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!warm.getAsBoolean() && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
        }
    }

    private static void get(HttpClient http, URI url) throws Exception {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode());
        }
    }
}
