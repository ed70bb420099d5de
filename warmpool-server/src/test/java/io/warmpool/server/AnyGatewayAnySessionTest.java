package io.warmpool.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.warmpool.server.TestGateway.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateways ({@code Main up}) on one PostgreSQL shard and two agents ({@code Main agent --gateways A,B}), each its
 * own OS process on loopback, real Chromium: a session acquired through A is shown, re-acquired (sticky) and driven
 * with Puppeteer through A and through B, then released through B, and both gateways agree at every step; then 8
 * threads acquire through one gateway and release through the other for 30 s, and no instance is ever handed to two
 * sessions at once. An agent with a wrong secret is refused by both gateways with one line each.
 */
class AnyGatewayAnySessionTest {
    private static final String SECRET = "cluster-s3cret-for-any-gateway";
    private static final Duration LOAD_FOR = Duration.ofSeconds(30);
    private static final int THREADS = 8;
    private static final String PAGE = "data:text/html," + URLEncoder.encode(SessionClientsTest.BUTTON_PAGE,
            StandardCharsets.UTF_8).replace("+", "%20");

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    @Timeout(480)
    void aSessionAcquiredThroughOneGatewayIsServedByTheOtherAndNoInstanceIsEverHeldTwice() throws Exception {
        String prefix = "wp_any" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL) + "_";
        Path secretFile = Files.writeString(dir.resolve("cluster.secret"), SECRET + "\n");
        Path config = Files.writeString(dir.resolve("cluster.json"), """
                {"store": {"postgres": "%s", "schemaPrefix": "%s"},
                 "cluster": {"secretFile": "%s"},
                 "regions": {"weur": {"agents": "remote", "zones": ["weur-a", "weur-b"]}}, "defaultRegion": "weur",
                 "pools": {"browser": {"minIdle": 2, "maxSize": 4, "staleAfter": "PT15S", "acquireTimeout": "PT5S"}},
                 "auth": {"anonymousLimits": {"maxSessions": 1000, "sessionsPerMinute": 100000, "quickPerSecond": 1000}}}
                """.formatted(PostgresGatewayTest.URL, prefix, secretFile));
        Files.writeString(dir.resolve("wrong.secret"), "not-the-cluster-secret");
        List<AutoCloseable> open = new ArrayList<>();
        try {
            GatewayProcess a = GatewayProcess.start(dir.resolve("a"), config, "-Xmx192m");
            open.add(a);
            GatewayProcess b = GatewayProcess.start(dir.resolve("b"), config, "-Xmx192m");
            open.add(b);
            String both = a.url + "," + b.url;

            AgentCli wrong = AgentCli.start(both, "weur-a", 2, dir.resolve("wrong.secret"), dir.resolve("wrong"));
            open.add(wrong);
            assertThat(wrong.process.waitFor(60, TimeUnit.SECONDS)).as("an agent every gateway refuses exits").isTrue();
            assertThat(wrong.process.exitValue()).isEqualTo(1);
            assertThat(wrong.log()).contains("HTTP 401").contains("wrong cluster secret");
            for (Path gw : List.of(dir.resolve("a"), dir.resolve("b"))) {
                assertThat(log(gw).lines().filter(l -> l.contains("wrong cluster secret")).toList())
                        .as("one clear line on each gateway").hasSize(1);
            }

            AgentCli one = AgentCli.start(both, "weur-a", 2, secretFile, dir.resolve("agent-1"));
            open.add(one);
            AgentCli two = AgentCli.start(both, "weur-b", 2, secretFile, dir.resolve("agent-2"));
            open.add(two);
            String agentUrl = one.url();
            two.url();
            assertThat(await(Duration.ofSeconds(180), () -> warm(a) >= 2 && warm(b) >= 2)).as("warm on both").isTrue();
            assertThat(send("GET", agentUrl + "/instances", null).statusCode())
                    .as("an agent serves nothing without the cluster secret").isEqualTo(401);

            oneSessionThroughBothGateways(a, b);
            noInstanceIsEverHeldTwice(a, b);

            assertThat(await(Duration.ofSeconds(60), () -> claimed(a) == 0 && claimed(b) == 0))
                    .as("every session released").isTrue();
        } finally {
            for (AutoCloseable c : open.reversed()) {
                c.close();
            }
            try (Connection c = DriverManager.getConnection(PostgresGatewayTest.URL); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + prefix + "weur CASCADE");
            }
        }
        assertThat(await(Duration.ofSeconds(30), () -> Processes.mentioning(dir.toString()).isEmpty()))
                .as("no process left behind (browsers, agents, gateways)").isTrue();
    }

    private void oneSessionThroughBothGateways(GatewayProcess a, GatewayProcess b) throws Exception {
        HttpResponse<String> acquired = send("POST", a.url + "/v1/sessions", "{\"sessionId\":\"both-1\"}");
        assertThat(acquired.statusCode()).as(acquired.body()).isEqualTo(201);
        JsonNode viaA = TestGateway.JSON.readTree(acquired.body());
        String instance = viaA.get("instanceId").asText();

        JsonNode shownByB = TestGateway.JSON.readTree(send("GET", b.url + "/v1/sessions/both-1", null).body());
        assertThat(shownByB.get("instanceId").asText()).isEqualTo(instance);
        assertThat(shownByB.get("state").asText()).isEqualTo("active");
        assertThat(shownByB.get("expiresAt").asText()).isEqualTo(
                TestGateway.JSON.readTree(send("GET", a.url + "/v1/sessions/both-1", null).body()).get("expiresAt").asText());
        HttpResponse<String> sticky = send("POST", b.url + "/v1/sessions", "{\"sessionId\":\"both-1\"}");
        assertThat(sticky.statusCode()).as("re-acquired, not created").isEqualTo(200);
        assertThat(TestGateway.JSON.readTree(sticky.body()).get("instanceId").asText()).isEqualTo(instance);

        String urlA = viaA.get("webSocketDebuggerUrl").asText();
        String urlB = shownByB.get("webSocketDebuggerUrl").asText();
        assertThat(urlB).startsWith(b.url.replace("http://", "ws://"));
        assertThat(urlB.substring(urlB.indexOf('?'))).as("the same token from both").isEqualTo(urlA.substring(urlA.indexOf('?')));
        for (String url : List.of(urlA, urlB)) {
            JsonNode out = NodeScript.run("puppeteer-session.js", url, PAGE);
            assertThat(out.get("text").asText()).as("driven through %s", url).isEqualTo("clicked!");
            assertThat(out.get("pngMagic").asText()).isEqualTo("PNG");
        }
        JsonNode version = TestGateway.JSON.readTree(send("GET", b.url + "/v1/sessions/both-1/json/version", null).body());
        assertThat(version.get("webSocketDebuggerUrl").asText()).isEqualTo(urlB);

        assertThat(send("DELETE", b.url + "/v1/sessions/both-1", null).statusCode()).isEqualTo(204);
        assertThat(send("GET", a.url + "/v1/sessions/both-1", null).statusCode()).isEqualTo(404);
        assertThat(send("GET", a.url + "/v1/sessions/both-1/json/version", null).statusCode()).isEqualTo(404);
    }

    /** Acquire through one gateway, check through the other, release through the other; each instance one holder. */
    private void noInstanceIsEverHeldTwice(GatewayProcess a, GatewayProcess b) throws Exception {
        Map<String, String> holder = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        AtomicInteger held = new AtomicInteger();
        AtomicInteger busy = new AtomicInteger();
        long end = System.nanoTime() + LOAD_FOR.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int n = t;
            threads.add(Thread.ofPlatform().name("acquirer-" + n).start(() -> {
                for (int k = 0; System.nanoTime() < end && problems.size() < 10; k++) {
                    GatewayProcess in = (n + k) % 2 == 0 ? a : b;
                    GatewayProcess out = in == a ? b : a;
                    String session = "load-" + n + "-" + k;
                    try {
                        HttpResponse<String> r = send("POST", in.url + "/v1/sessions", "{\"sessionId\":\"" + session + "\"}");
                        if (r.statusCode() == 503 || r.statusCode() == 429) {
                            busy.incrementAndGet();
                            continue; // no warm instance within acquireTimeout: the pool is all held
                        }
                        if (r.statusCode() != 201) {
                            problems.add(session + ": acquire answered " + r.statusCode() + " " + r.body());
                            continue;
                        }
                        String instance = TestGateway.JSON.readTree(r.body()).get("instanceId").asText();
                        String before = holder.putIfAbsent(instance, session);
                        if (before != null) {
                            problems.add(instance + " handed to " + session + " while " + before + " held it");
                        }
                        held.incrementAndGet();
                        JsonNode shown = TestGateway.JSON.readTree(send("GET", out.url + "/v1/sessions/" + session, null).body());
                        if (!instance.equals(shown.path("instanceId").asText())) {
                            problems.add(session + ": the other gateway shows " + shown + ", not " + instance);
                        }
                        holder.remove(instance, session); // before the release: after it, another may hold it at once
                        int released = send("DELETE", out.url + "/v1/sessions/" + session, null).statusCode();
                        if (released != 204) {
                            problems.add(session + ": release through the other gateway answered " + released);
                        }
                    } catch (Exception e) {
                        problems.add(session + ": " + e);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join(LOAD_FOR.plusSeconds(60).toMillis());
            assertThat(t.isAlive()).as("%s finished", t.getName()).isFalse();
        }
        System.out.printf("any-gateway load: %d sessions held and released across gateways in %s by %d threads, "
                + "%d acquires found the pool all held%n", held.get(), LOAD_FOR, THREADS, busy.get());
        assertThat(problems).isEmpty();
        assertThat(held.get()).as("the load ran").isGreaterThanOrEqualTo(THREADS * 2);
    }

    private int warm(GatewayProcess gw) {
        return pool(gw).path("warm").asInt();
    }

    private int claimed(GatewayProcess gw) {
        return pool(gw).path("claimed").asInt(-1);
    }

    private JsonNode pool(GatewayProcess gw) {
        try {
            for (JsonNode p : TestGateway.JSON.readTree(send("GET", gw.url + "/v1/pools", null).body()).path("result")) {
                if (p.path("pool").asText().equals("browser") && p.path("region").asText().equals("weur")) {
                    return p;
                }
            }
        } catch (Exception e) {
            // not up yet
        }
        return TestGateway.JSON.createObjectNode();
    }

    private HttpResponse<String> send(String method, String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What a gateway process wrote to its log files in {@code dataDir}. */
    private static String log(Path dataDir) throws Exception {
        StringBuilder out = new StringBuilder();
        try (var files = Files.list(dataDir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("gateway-")).toList()) {
                out.append(Files.readString(f));
            }
        }
        return out.toString();
    }
}
