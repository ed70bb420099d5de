package io.warmpool.bench;

import io.warmpool.Instance;
import io.warmpool.embedded.Lease;
import io.warmpool.embedded.WarmPool;
import io.warmpool.process.LocalProcessProvider;
import io.warmpool.process.ProcessTemplate;
import io.warmpool.process.Readiness;

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
 * Warm acquire of a process instance through the library (in-process {@link WarmPool}) against starting the same
 * process cold, interleaved in one run: each round starts one process cold through {@link LocalProcessProvider}
 * (group wrapper, {@code {port}}, HTTP readiness: the path a pool's start takes) and then does {@code --warm-per-cold}
 * warm acquires from a pool kept at {@code minIdle}. Both sides are timed to the caller's first HTTP answer from the
 * instance, and to the instance alone (acquire returned / readiness passed). The process is
 * {@code python3 -m http.server {port}}. Prints the load average at start and end and one JSON line.
 *
 * <pre>{@code java -cp "$CP" io.warmpool.bench.ProcessAcquireBench --rounds 20 --warm-per-cold 50}</pre>
 */
public final class ProcessAcquireBench {
    private ProcessAcquireBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions o = BenchOptions.parse(args, Set.of("rounds", "warm-per-cold"));
        int rounds = o.count("rounds", 20, 1_000);
        int warmPerCold = o.count("warm-per-cold", 50, 10_000);
        String loadStart = MachineInfo.loadAverage();
        Path dir = Files.createTempDirectory("process-bench");
        ProcessTemplate template = ProcessTemplate.builder("python3", "-m", "http.server", "{port}", "--bind",
                "127.0.0.1", "--directory", "{dataDir}").readiness(Readiness.http("http://127.0.0.1:{port}/")).build();
        long[] coldReady = new long[rounds];
        long[] coldAnswer = new long[rounds];
        long[] warmAcquire = new long[rounds * warmPerCold];
        long[] warmAnswer = new long[rounds * warmPerCold];
        int coldHits = 0;
        try (HttpClient http = HttpClient.newHttpClient();
             LocalProcessProvider cold = new LocalProcessProvider(Map.of("cold", template), dir.resolve("cold"));
             WarmPool pool = WarmPool.builder().template(template).minIdle(4).maxSize(8).dataDir(dir.resolve("warm"))
                     .build()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (pool.status().counts().warm() < 4 && System.nanoTime() - deadline < 0) {
                Thread.sleep(20);
            }
            int w = 0;
            for (int r = 0; r < rounds; r++) {
                Instant now = Instant.now();
                Instance instance = Instance.starting("c-" + r, "local", "cold", "local", "bench", "1", now,
                        now.plusSeconds(600));
                long t0 = System.nanoTime();
                URI url = URI.create(cold.start(instance).agentUrl());
                coldReady[r] = System.nanoTime() - t0;
                get(http, url);
                coldAnswer[r] = System.nanoTime() - t0;
                cold.stop(instance);
                for (int i = 0; i < warmPerCold; i++, w++) {
                    long t1 = System.nanoTime();
                    try (Lease lease = pool.acquire("s-" + w, Duration.ofSeconds(10))) {
                        warmAcquire[w] = System.nanoTime() - t1;
                        get(http, lease.url());
                        warmAnswer[w] = System.nanoTime() - t1;
                        coldHits += lease.warm() ? 0 : 1;
                    }
                }
            }
        } finally {
            io.warmpool.process.ProcessGroup.deleteTree(dir);
        }
        Percentiles cr = Percentiles.of(coldReady);
        Percentiles ca = Percentiles.of(coldAnswer);
        Percentiles wa = Percentiles.of(warmAcquire);
        Percentiles wn = Percentiles.of(warmAnswer);
        System.out.println("load average at start: " + loadStart + ", at end: " + MachineInfo.loadAverage());
        System.out.printf(Locale.ROOT, "{\"rounds\":%d,\"warmAcquires\":%d,\"warmAcquiresThatWaited\":%d,"
                        + "\"coldReadyP50Ms\":%.2f,\"coldReadyP99Ms\":%.2f,\"coldFirstAnswerP50Ms\":%.2f,"
                        + "\"coldFirstAnswerP99Ms\":%.2f,\"warmAcquireP50Ms\":%.3f,\"warmAcquireP99Ms\":%.3f,"
                        + "\"warmFirstAnswerP50Ms\":%.3f,\"warmFirstAnswerP99Ms\":%.3f,"
                        + "\"coldOverWarmFirstAnswerP50\":%.1f}%n",
                rounds, wa.count(), coldHits, cr.p50(), cr.ms(0.99), ca.p50(), ca.ms(0.99), wa.p50(), wa.ms(0.99),
                wn.p50(), wn.ms(0.99), ca.p50() / wn.p50());
    }

    private static void get(HttpClient http, URI url) throws Exception {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(url.resolve("/")).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode());
        }
    }
}
