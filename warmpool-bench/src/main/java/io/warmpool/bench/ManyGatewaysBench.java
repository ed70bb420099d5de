package io.warmpool.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warmpool.RateLimit;
import io.warmpool.core.MemoryRateCells;
import io.warmpool.store.jdbc.PostgresInstanceStore;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Warm acquires through 1, 2 and 3 gateways on one PostgreSQL shard (issue 11). Starts {@code --gateways} gateway
 * processes with the same config on one fresh PostgreSQL schema and one agent process with real Chromium
 * ({@code --min-idle} warm browsers), then for k = 1..N, {@code --rounds} bursts in which {@code --clients} callers
 * acquire new sessions ({@code POST /v1/sessions}) through the k gateways in turn until every warm browser is held,
 * then release them all; reports the warm acquires per second within the bursts and the acquire's p50/p99 over HTTP.
 * (A released browser is reset before it is warm again, which on 2 cores takes far longer than a claim: measured
 * continuously, acquire and release in a loop, the figure would be the agent's reset rate, not the gateways'.) First,
 * what a tenant's rate limit costs per request when it is kept in the shared store ({@code takeRate} on PostgreSQL)
 * against one gateway's memory. Bounded: rounds and bursts are counted; every process and the schema are removed at
 * the end.
 *
 * <pre>java -cp "$CP" io.warmpool.bench.ManyGatewaysBench [--gateways 3] [--clients 4] [--rounds 10] [--min-idle 12]
 *     [--part all|rates] [--postgres jdbc:postgresql://127.0.0.1:5432/test?user=postgres]</pre>
 */
public final class ManyGatewaysBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ManyGatewaysBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions o = BenchOptions.parse(args, Set.of("gateways", "clients", "rounds", "min-idle", "postgres", "part"));
        int gateways = o.count("gateways", 3, 5);
        int clients = o.count("clients", 4, 32);
        int rounds = o.count("rounds", 10, 100);
        int minIdle = o.count("min-idle", 12, 32);
        String part = o.text("part", "all");
        String pg = o.text("postgres", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
        String prefix = "wp_bench" + Long.toHexString(System.nanoTime() & 0xffffffL) + "_";
        System.out.printf("ManyGatewaysBench %s, %s, gateways=%d clients=%d rounds=%d minIdle=%d%n",
                Instant.now(), MachineInfo.loadAverage(), gateways, clients, rounds, minIdle);
        try (Cleanup cleanup = new Cleanup()) {
            cleanup.add(() -> dropSchemas(pg, prefix));
            rateCellCost(pg, prefix);
            if (part.equals("rates")) {
                return;
            }
            Path dir = cleanup.tempDir("wp-many-gateways");
            Path secret = Files.writeString(dir.resolve("cluster.secret"), UUID.randomUUID() + "\n");
            Path config = Files.writeString(dir.resolve("cluster.json"), """
                    {"defaultRegion": "weur", "regions": {"weur": {"agents": "remote", "zones": ["weur-a"]}},
                     "pools": {"browser": {"minIdle": %d, "maxSize": %d, "acquireTimeout": "PT30S"}},
                     "auth": {"anonymousLimits": {"maxSessions": 1000, "sessionsPerMinute": 1000000,
                                                  "quickPerSecond": 100000}},
                     "store": {"postgres": "%s", "schemaPrefix": "%s"}, "cluster": {"secretFile": "%s"}}"""
                    .formatted(minIdle, minIdle + 2, pg, prefix, secret));
            ClusterProcesses processes = new ClusterProcesses(cleanup, dir, config, secret);
            List<String> urls = new ArrayList<>();
            for (int i = 0; i < gateways; i++) {
                urls.add(processes.gateway());
            }
            processes.agent("weur", "weur-a", minIdle + 2, urls);
            try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
                TextTable table = new TextTable("gateways", "acquires", "per s in bursts", "p50 ms", "p99 ms",
                        "max ms", "cold", "refused");
                rounds(http, urls, clients, minIdle, 1); // warm-up, not counted
                for (int k = 1; k <= gateways; k++) {
                    Result r = rounds(http, urls.subList(0, k), clients, minIdle, rounds);
                    Percentiles p = Percentiles.of(r.latencies());
                    table.row(Integer.toString(k), Integer.toString(p.count()),
                            String.format("%.0f", p.count() / (r.burstNanos() / 1e9)), String.format("%.2f", p.p50()),
                            String.format("%.2f", p.ms(0.99)), String.format("%.2f", p.maxMs()),
                            Long.toString(r.cold()), Long.toString(r.refused()));
                }
                System.out.println(table);
            }
            System.out.printf("done %s, %s%n", Instant.now(), MachineInfo.loadAverage());
        }
    }

    private record Result(long[] latencies, long burstNanos, long cold, long refused) {
    }

    /**
     * {@code rounds} bursts: each waits for {@code warm} warm instances, then {@code clients} callers acquire new
     * sessions, each through the {@code urls} in turn, until {@code warm} are held (every acquire a warm claim, none
     * waits for a browser), then all are released (the agent resets them while the next round waits). The time of a
     * burst runs from its first request to its last answer.
     */
    private static Result rounds(HttpClient http, List<String> urls, int clients, int warm, int rounds)
            throws Exception {
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicLong cold = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        long burst = 0;
        for (int round = 0; round < rounds; round++) {
            waitWarm(http, urls.get(0), warm);
            java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(warm);
            List<String[]> held = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int c = 0; c < clients; c++) {
                int first = c;
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int i = first; left.getAndDecrement() > 0; i += clients) {
                        String base = urls.get(i % urls.size());
                        String id = "b" + UUID.randomUUID();
                        long start = System.nanoTime();
                        try {
                            HttpResponse<String> r = send(http, base, "POST", "/v1/sessions",
                                    "{\"sessionId\":\"" + id + "\"}");
                            long took = System.nanoTime() - start;
                            if (r.statusCode() != 201) {
                                refused.incrementAndGet();
                                continue;
                            }
                            latencies.add(took);
                            held.add(new String[]{base, id});
                            if (r.body().contains("\"warm\":false")) {
                                cold.incrementAndGet();
                            }
                        } catch (IllegalStateException e) {
                            refused.incrementAndGet();
                        }
                    }
                }));
            }
            for (Thread t : threads) {
                t.join(Duration.ofSeconds(120).toMillis());
            }
            burst += System.nanoTime() - t0;
            for (String[] h : held) {
                send(http, h[0], "DELETE", "/v1/sessions/" + h[1], null);
            }
        }
        return new Result(latencies.stream().mapToLong(Long::longValue).toArray(), burst, cold.get(), refused.get());
    }

    /**
     * What a rate limit costs per request: {@code takeRate} on one PostgreSQL cell (one upsert, commit not flushed)
     * against the in-memory cells of one gateway, 2,000 takes each, one caller.
     */
    private static void rateCellCost(String pg, String prefix) {
        RateLimit unlimited = new RateLimit(1_000_000, 1_000_000);
        long[] store = new long[2_000];
        try (PostgresInstanceStore s = PostgresInstanceStore.open(pg, prefix + "rates")) {
            for (int i = -200; i < store.length; i++) {
                long t0 = System.nanoTime();
                s.takeRate("tenant/bench/sessionsPerMinute", unlimited, Instant.now());
                if (i >= 0) {
                    store[i] = System.nanoTime() - t0;
                }
            }
        }
        MemoryRateCells cells = new MemoryRateCells(java.time.InstantSource.system());
        long[] memory = new long[2_000];
        for (int i = -200; i < memory.length; i++) {
            long t0 = System.nanoTime();
            cells.take("tenant/bench/sessionsPerMinute", unlimited);
            if (i >= 0) {
                memory[i] = System.nanoTime() - t0;
            }
        }
        Percentiles ps = Percentiles.of(store);
        Percentiles pm = Percentiles.of(memory);
        System.out.printf("rate limit per request: PostgreSQL takeRate p50 %.3f ms p99 %.3f ms; in memory p50 %.4f ms"
                + " p99 %.4f ms (2,000 takes each)%n", ps.p50(), ps.ms(0.99), pm.p50(), pm.ms(0.99));
    }

    private static void waitWarm(HttpClient http, String base, int warm) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < end) {
            try {
                for (JsonNode p : JSON.readTree(send(http, base, "GET", "/v1/pools", null).body()).get("result")) {
                    if (p.get("region").asText().equals("weur") && p.get("warm").asInt() >= warm) {
                        return;
                    }
                }
            } catch (java.io.IOException | RuntimeException e) {
                // not up yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the pool did not reach " + warm + " warm within 180 s");
    }

    private static HttpResponse<String> send(HttpClient http, String base, String method, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(method + " " + base + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void dropSchemas(String pg, String prefix) throws Exception {
        try (Connection c = DriverManager.getConnection(pg); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + prefix + "weur CASCADE");
            st.execute("DROP SCHEMA IF EXISTS " + prefix + "rates CASCADE");
            st.execute("DROP TABLE IF EXISTS " + prefix + "crawl_records, " + prefix + "crawl_jobs");
        }
    }
}
