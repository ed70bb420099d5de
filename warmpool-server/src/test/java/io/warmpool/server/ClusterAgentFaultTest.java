package io.warmpool.server;

import io.warmpool.protocol.AgentProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.warmpool.server.TestGateway.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Agents and gateways fail, as separate OS processes on loopback (two gateways on one PostgreSQL database, two agents
 * with real Chromium): an agent killed with -9 has its instances LOST and never handed out again, its sessions answer
 * 410 through either gateway, no browser of it is left, and the pool refills on the other agent; a gateway killed with
 * -9 has its agents report to the other one meanwhile, and once it is back on its address they report to it again.
 * A registration with the wrong secret or another protocol version is refused with one clear line.
 */
class ClusterAgentFaultTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(360)
    void aKilledAgentIsLostAndReplacedAndAgentsFollowTheGatewaysThatLive() throws Exception {
        try (Cluster cluster = new Cluster(dir, 2, 4, "")) {
            int portA = Cluster.freePort();
            GatewayProcess a = cluster.gateway(portA);
            GatewayProcess b = cluster.gateway();
            Cluster.Agent x = cluster.agent("weur-a", a.url, b.url);
            Cluster.Agent y = cluster.agent("weur-b", a.url, b.url);
            assertThat(await(Duration.ofSeconds(120), () -> cluster.pool(a.url).get("warm").asInt() >= 2)).isTrue();

            refusals(cluster, a);

            // sessions until one is on x (placement spreads over zones; at most four live)
            String onX = null;
            List<String> others = new java.util.ArrayList<>();
            for (int i = 0; i < 3 && onX == null; i++) {
                String id = "s" + i;
                HttpResponse<String> r = cluster.send(i % 2 == 0 ? a.url : b.url, "POST", "/v1/sessions",
                        "{\"sessionId\":\"" + id + "\"}");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                if (x.id().equals(agentOf(cluster, r.headers().firstValue("X-Warmpool-Instance").orElseThrow()))) {
                    onX = id;
                } else {
                    others.add(id);
                }
                await(Duration.ofSeconds(60), () -> cluster.pool(a.url).get("warm").asInt() >= 2);
            }
            assertThat(onX).as("a session on agent x").isNotNull();
            for (String id : others) { // y keeps room for the refill
                assertThat(cluster.send(a.url, "DELETE", "/v1/sessions/" + id, null).statusCode()).isLessThan(300);
            }
            Set<String> ofX = instancesOf(cluster, x.id());

            x.process().destroyForcibly();
            assertThat(x.process().waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(await(Duration.ofSeconds(30), () -> x.browsers() == 0)).as("no browser outlives its agent").isTrue();
            assertThat(await(Duration.ofSeconds(60), () -> liveOf(cluster, x.id()).isEmpty()))
                    .as("x's instances are LOST (or cleaned up), none live").isTrue();
            String lostSession = onX;
            for (String gw : List.of(a.url, b.url)) {
                HttpResponse<String> r = cluster.send(gw, "POST", "/v1/sessions", "{\"sessionId\":\"" + lostSession + "\"}");
                assertThat(r.statusCode()).as("the lost session through " + gw + ": " + r.body()).isEqualTo(410);
            }
            assertThat(await(Duration.ofSeconds(120), () -> cluster.pool(b.url).get("warm").asInt() >= 2))
                    .as("the pool refills on y").isTrue();
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> r = cluster.send(b.url, "POST", "/v1/sessions", "{\"sessionId\":\"after" + i + "\"}");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                assertThat(ofX).as("never handed out again")
                        .doesNotContain(r.headers().firstValue("X-Warmpool-Instance").orElseThrow());
                assertThat(cluster.send(b.url, "DELETE", "/v1/sessions/after" + i, null).statusCode()).isLessThan(300);
            }

            // a gateway killed: y's beats go to b, so its instances stay fresh past staleAfter (8 s)
            a.kill9();
            long aKilled = System.currentTimeMillis();
            assertThat(await(Duration.ofSeconds(30), () -> beatOf(cluster, y.id()) > aKilled + 1_000))
                    .as("y reported through b after a was killed").isTrue();
            Thread.sleep(Duration.ofSeconds(10).toMillis()); // longer than staleAfter: a silent y would go LOST
            assertThat(ids(cluster, y.id(), "'LOST'")).as("y's instances stay fresh").isEmpty();

            // the gateway back on its address, and b killed: y reports to a again
            GatewayProcess back = cluster.gateway(portA);
            assertThat(await(Duration.ofSeconds(60), () -> cluster.pool(back.url).get("warm").asInt() >= 2))
                    .as(() -> "2 warm through the restarted gateway; " + state(cluster, back, b)).isTrue();
            b.kill9();
            long bKilled = System.currentTimeMillis();
            assertThat(await(Duration.ofSeconds(30), () -> beatOf(cluster, y.id()) > bKilled + 1_000))
                    .as("y reported through the restarted gateway").isTrue();
            Thread.sleep(Duration.ofSeconds(10).toMillis());
            assertThat(ids(cluster, y.id(), "'LOST'")).as("y's instances stay fresh").isEmpty();
            assertThat(await(Duration.ofSeconds(60), () -> cluster.pool(back.url).get("warm").asInt() >= 2)).isTrue();
            HttpResponse<String> r = cluster.send(back.url, "POST", "/v1/sessions", "{\"sessionId\":\"end\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        }
    }

    /** What a failed wait on the cluster prints: each gateway's pool, or why it did not answer, and its log's end. */
    private static String state(Cluster cluster, GatewayProcess... gateways) {
        StringBuilder out = new StringBuilder();
        for (GatewayProcess g : gateways) {
            String pool;
            try {
                pool = cluster.pool(g.url).toString();
            } catch (RuntimeException e) {
                pool = "no answer: " + e;
            }
            List<String> lines = ClusterLeaderFaultTest.log(g).lines().toList();
            out.append("\n--- ").append(g.url).append(": ").append(pool).append("\n")
                    .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size())));
        }
        return out.toString();
    }

    /** A registration with a wrong secret, then one of another protocol version: 401 and 400, each one WARN line. */
    private static void refusals(Cluster cluster, GatewayProcess gw) throws Exception {
        String body = "{\"agentId\":\"intruder\",\"region\":\"weur\",\"zone\":\"weur-a\",\"pools\":[\"browser\"],"
                + "\"capacity\":1,\"url\":\"http://127.0.0.1:9\",\"protocolVersion\":%d}";
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create(gw.url + AgentProtocol.REGISTRATIONS))
                    .header(AgentProtocol.AUTH_HEADER, AgentProtocol.bearer("not-the-secret"))
                    .POST(HttpRequest.BodyPublishers.ofString(body.formatted(AgentProtocol.VERSION))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).contains("\"success\":false").contains("wrong cluster secret");
            HttpResponse<String> version = http.send(HttpRequest.newBuilder(URI.create(gw.url + AgentProtocol.REGISTRATIONS))
                    .header(AgentProtocol.AUTH_HEADER, AgentProtocol.bearer(Cluster.SECRET))
                    .header(AgentProtocol.VERSION_HEADER, "99")
                    .POST(HttpRequest.BodyPublishers.ofString(body.formatted(99))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(version.statusCode()).isEqualTo(400);
            assertThat(version.body()).contains(AgentProtocol.UNSUPPORTED_PROTOCOL)
                    .contains("agent protocol version 99 is not supported");
        }
        String log = ClusterLeaderFaultTest.log(gw);
        assertThat(log.lines().filter(l -> l.contains("refused") && l.contains("wrong cluster secret")).count()).isEqualTo(1);
        assertThat(log.lines().filter(l -> l.contains("refused") && l.contains("version 99")).count()).isEqualTo(1);
    }

    private static String agentOf(Cluster cluster, String instanceId) {
        return cluster.rows("SELECT agent_id FROM {s}.instances WHERE id = '" + instanceId.replace("'", "") + "'")
                .get(0).get(0);
    }

    private static Set<String> instancesOf(Cluster cluster, String agentId) {
        return ids(cluster, agentId, "'STARTING', 'WARM', 'CLAIMED', 'STOPPING', 'LOST'");
    }

    private static Set<String> liveOf(Cluster cluster, String agentId) {
        return ids(cluster, agentId, "'STARTING', 'WARM', 'CLAIMED'");
    }

    /** The agent's last beat as the shard recorded it, in epoch milliseconds (0 when none). */
    private static long beatOf(Cluster cluster, String agentId) {
        var rows = cluster.rows("SELECT heartbeat_at FROM {s}.agents WHERE agent_id = '" + agentId.replace("'", "") + "'");
        return rows.isEmpty() ? 0 : Long.parseLong(rows.get(0).get(0));
    }

    private static Set<String> ids(Cluster cluster, String agentId, String states) {
        Set<String> out = new HashSet<>();
        cluster.rows("SELECT id FROM {s}.instances WHERE agent_id = '" + agentId.replace("'", "") + "' AND state IN ("
                + states + ")").forEach(r -> out.add(r.get(0)));
        return out;
    }
}
