package io.warmpool.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.warmpool.core.PoolSettings;
import io.warmpool.server.config.StoreSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.warmpool.server.TestGateway.await;
import static io.warmpool.server.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crawl jobs on two real gateways sharing one real PostgreSQL store (real agents, real Chromium, a local site whose
 * pages take 300 ms and which notices a page loaded by two browsers at once): a job runs on the gateway that started
 * it, is seen and cancelled through either, and finishes on the other one after its owner stops.
 */
class CrawlOnTwoGatewaysTest {
    private static final int PAGES = 8;

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;
    /** The cluster's one secret, as every gateway on a shared store has it: a page may run on either one's agents. */
    @TempDir
    Path shared;
    private final String prefix = "wp_cw" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL) + "_";
    private final Site site = new Site();
    private TestGateway a;
    private TestGateway b;
    private GatewayProcess killed;

    /** {@code /<chain>/N} links to {@code /<chain>/N+1}; each answer takes 300 ms. */
    static final class Site implements AutoCloseable {
        final HttpServer server;
        final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
        final AtomicInteger atOnce = new AtomicInteger();
        final AtomicLong lastStart = new AtomicLong();

        Site() {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
            server.createContext("/", ex -> {
                String path = ex.getRequestURI().getPath();
                String[] parts = path.split("/");
                if (parts.length != 3 || !parts[2].matches("\\d+")) {
                    ex.sendResponseHeaders(404, -1);
                    ex.close();
                    return;
                }
                AtomicInteger now = inFlight.computeIfAbsent(path, p -> new AtomicInteger());
                if (now.incrementAndGet() > 1) {
                    atOnce.incrementAndGet(); // snapshot and links of one owner never overlap: two owners did
                }
                hits.computeIfAbsent(parts[1], p -> new AtomicInteger()).incrementAndGet();
                lastStart.set(System.nanoTime());
                try {
                    Thread.sleep(300); // a slow site
                    int n = Integer.parseInt(parts[2]);
                    byte[] body = ("<h1>" + parts[1] + " " + n + "</h1><a href='/" + parts[1] + "/" + (n + 1) + "'>next</a>")
                            .getBytes(StandardCharsets.UTF_8);
                    ex.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
                    ex.sendResponseHeaders(200, body.length);
                    ex.getResponseBody().write(body);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    now.decrementAndGet();
                    ex.close();
                }
            });
            server.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        int hits(String chain) {
            return hits.getOrDefault(chain, new AtomicInteger()).get();
        }

        boolean quiet(String chain) {
            boolean idle = inFlight.entrySet().stream().filter(e -> e.getKey().startsWith("/" + chain + "/"))
                    .allMatch(e -> e.getValue().get() == 0);
            return idle && System.nanoTime() - lastStart.get() > Duration.ofSeconds(3).toNanos();
        }

        @Override
        public void close() {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }
    }

    private TestGateway gateway(Path dir) {
        PoolSettings browser = PoolSettings.builder("browser").minIdle(1).maxSize(3).staleAfter(Duration.ofSeconds(10))
                .build();
        return new TestGateway(dir, browser, c -> c.withStore(new StoreSettings(PostgresGatewayTest.URL, prefix))
                .withClusterSecretFile(clusterSecret()));
    }

    private Path clusterSecret() {
        Path file = shared.resolve("cluster.secret");
        try {
            if (!java.nio.file.Files.exists(file)) {
                java.nio.file.Files.writeString(file, "crawl-on-two-gateways-s3cret\n");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return file;
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (killed != null) {
            killed.close();
        }
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        site.close();
        try (Connection c = DriverManager.getConnection(PostgresGatewayTest.URL); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + prefix + "weur CASCADE");
            st.execute("DROP SCHEMA IF EXISTS " + prefix + "enam CASCADE");
            st.execute("DROP TABLE IF EXISTS " + prefix + "crawl_jobs");
            st.execute("DROP TABLE IF EXISTS " + prefix + "crawl_records");
        }
    }

    @Test
    @Timeout(400)
    void aJobIsSeenAndCancelledThroughEitherGatewayAndFinishesOnTheOtherAfterItsOwnerStops() {
        a = gateway(dirA);
        assertThat(await(Duration.ofSeconds(180), () -> a.pool("weur").get("warm").asInt() >= 1)).isTrue();
        b = gateway(dirB);

        // a cancel through B stops the run on A
        String cancelled = start(a, "c", 50);
        assertThat(await(Duration.ofSeconds(120), () -> finished(b, cancelled) >= 1)).isTrue();
        JsonNode deleted = json(b.send("DELETE", "/v1/crawl/" + cancelled, null)).get("result");
        assertThat(deleted.get("message").asText()).isEqualTo("crawl job cancelled");
        int hitsAtCancel = site.hits("c");
        int finishedAtCancel = finished(b, cancelled);
        assertThat(await(Duration.ofSeconds(30), () -> site.quiet("c"))).isTrue();
        assertThat(site.hits("c")).as("at most the page in flight (its snapshot and links) after the cancel")
                .isLessThanOrEqualTo(hitsAtCancel + 2);
        assertThat(finished(a, cancelled)).as("nothing finished after the cancel").isEqualTo(finishedAtCancel);
        assertThat(job(a, cancelled).get("status").asText()).isEqualTo("cancelled_by_user");

        // a job started on A, watched through B, finishes on B after A stops
        String id = start(a, "j", PAGES);
        assertThat(await(Duration.ofSeconds(120), () -> finished(b, id) >= 2)).isTrue();
        assertThat(job(b, id).get("status").asText()).isEqualTo("running");
        a.close();
        a = null;

        assertThat(await(Duration.ofSeconds(240), () -> !job(b, id).get("status").asText().equals("running")))
                .as("the job ends on B").isTrue();
        JsonNode done = job(b, id);
        assertThat(done.get("status").asText()).isEqualTo("completed");
        assertThat(done.get("finished").asInt()).as("the job as it ended: %s", done).isEqualTo(PAGES);
        assertThat(done.get("records")).as("every page completed; the link past the limit skipped")
                .allSatisfy(r -> assertThat(r.get("status").asText()).isIn("completed", "skipped"))
                .filteredOn(r -> r.get("status").asText().equals("completed")).hasSize(PAGES);
        assertThat(site.atOnce).as("a page loaded by two owners at once").hasValue(0);
    }

    @Test
    @Timeout(400)
    void aJobWhoseOwnerIsKilledFinishesOnTheOtherGatewayOnceItsLeaseRunsOut() throws Exception {
        Path config = dirA.resolve("config.json");
        java.nio.file.Files.writeString(config, "{\"pools\": {\"browser\": {\"minIdle\": 1, \"maxSize\": 3,"
                + " \"staleAfter\": \"PT10S\"}}, \"heartbeat\": {\"interval\": \"PT0.5S\", \"flushAfter\": \"PT0.2S\"},"
                + " \"egress\": {\"allow\": [\"127.0.0.1/32\"]}, \"store\": {\"postgres\": \"" + PostgresGatewayTest.URL
                + "\", \"schemaPrefix\": \"" + prefix + "\"}, \"cluster\": {\"secretFile\": \"" + clusterSecret() + "\"}}");
        killed = GatewayProcess.start(dirA.resolve("data"), config);
        assertThat(await(Duration.ofSeconds(180), () -> json(call(killed.url, "GET", "/v1/pools", null)).get("result")
                .findValues("warm").stream().mapToInt(JsonNode::asInt).sum() >= 1)).isTrue();
        b = gateway(dirB);

        var started = call(killed.url, "POST", "/v1/crawl", "{\"url\":\"" + site.url("/k/0") + "\",\"limit\":" + PAGES
                + ",\"depth\":10,\"formats\":[\"markdown\"]}");
        assertThat(started.statusCode()).as(new String(started.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        String id = json(started).get("result").asText();
        assertThat(await(Duration.ofSeconds(120), () -> finished(b, id) >= 2)).isTrue();

        killed.kill9(); // no release: B waits for the lease (15 s) to run out, then claims the job
        killed = null;

        assertThat(await(Duration.ofSeconds(240), () -> !job(b, id).get("status").asText().equals("running")))
                .as("the job ends on B").isTrue();
        JsonNode done = job(b, id);
        assertThat(done.get("status").asText()).isEqualTo("completed");
        assertThat(done.get("records")).filteredOn(r -> r.get("status").asText().equals("completed")).hasSize(PAGES);
        assertThat(site.atOnce).as("a page loaded by two owners at once").hasValue(0);
    }

    private static java.net.http.HttpResponse<byte[]> call(String base, String method, String path, String body) {
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + path))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                            : java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
            return http.send(request, java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String start(TestGateway gw, String chain, int limit) {
        var r = gw.send("POST", "/v1/crawl", "{\"url\":\"" + site.url("/" + chain + "/0") + "\",\"limit\":" + limit
                + ",\"depth\":10,\"formats\":[\"html\"]}");
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return json(r).get("result").asText();
    }

    private static JsonNode job(TestGateway gw, String id) {
        return json(gw.send("GET", "/v1/crawl/" + id + "?limit=500", null)).get("result");
    }

    private static int finished(TestGateway gw, String id) {
        return job(gw, id).get("finished").asInt();
    }
}
