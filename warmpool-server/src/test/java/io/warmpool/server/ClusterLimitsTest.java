package io.warmpool.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import io.warmpool.server.http.KeyHash;

import static io.warmpool.server.TestGateway.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tenant's limits are the cluster's, not each gateway's: two gateway processes on one PostgreSQL database, one
 * agent process with real Chromium; {@code maxSessions}, {@code sessionsPerMinute} and {@code quickPerSecond} hold
 * across both, and a caller past one gets 429 with {@code Retry-After} from either gateway.
 */
class ClusterLimitsTest {
    private static final String ACME = "Bearer acme-key";
    private static final String BURST = "Bearer burst-key";
    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void aTenantsLimitsAreSharedByTheGatewaysOnOneStore() throws Exception {
        try (Cluster cluster = new Cluster(dir, 2, 3, """
                , "auth": {"tenants": {
                    "acme": {"keys": ["%s"], "limits": {"maxSessions": 2, "sessionsPerMinute": 3, "quickPerSecond": 1}},
                    "burst": {"keys": ["%s"], "limits": {"maxSessions": 2, "sessionsPerMinute": 1000, "quickPerSecond": 100}}
                  }}""".formatted(KeyHash.of("acme-key"), KeyHash.of("burst-key")))) {
            cluster.authorization = ACME;
            String a = cluster.gateway().url;
            String b = cluster.gateway().url;
            cluster.agent("weur-a", a, b);
            assertThat(await(Duration.ofSeconds(120), () -> cluster.pool(a).get("warm").asInt() >= 2)).isTrue();

            // maxSessions=2: one session through each gateway, and the third, through either, is refused
            assertThat(acquire(cluster, a, "s1").statusCode()).isEqualTo(201);
            assertThat(acquire(cluster, b, "s2").statusCode()).isEqualTo(201);
            HttpResponse<String> third = acquire(cluster, a, "s3");
            assertThat(third.statusCode()).isEqualTo(429);
            assertThat(third.body()).contains("\"success\":false").contains("maxSessions");
            assertThat(third.headers().firstValue("Retry-After")).isPresent();

            // sessionsPerMinute=3: two taken above; a third new one passes, the fourth does not, whichever gateway
            assertThat(cluster.send(a, "DELETE", "/v1/sessions/s1", null).statusCode()).isLessThan(300);
            assertThat(cluster.send(b, "DELETE", "/v1/sessions/s2", null).statusCode()).isLessThan(300);
            assertThat(acquire(cluster, b, "s4").statusCode()).isEqualTo(201);
            assertThat(cluster.send(b, "DELETE", "/v1/sessions/s4", null).statusCode()).isLessThan(300);
            HttpResponse<String> fourth = acquire(cluster, a, "s5");
            assertThat(fourth.statusCode()).as(fourth.body()).isEqualTo(429);
            assertThat(fourth.body()).contains("sessionsPerMinute");
            long retryAfter = Long.parseLong(fourth.headers().firstValue("Retry-After").orElseThrow());
            assertThat(retryAfter).as("a new session every 20 s; one was taken moments ago").isBetween(1L, 20L);

            // quickPerSecond=1: in t seconds at most 1 + t pass in all, however the requests are spread
            long started = System.nanoTime();
            int passed = 0;
            int refused = 0;
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> r = cluster.send(i % 2 == 0 ? a : b, "POST", "/v1/quick/screenshot", "{}");
                if (r.statusCode() == 429) {
                    refused++;
                    assertThat(r.headers().firstValue("Retry-After")).isPresent();
                    assertThat(r.body()).contains("quickPerSecond");
                } else {
                    passed++;
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(passed).as("passed in %.2f s", seconds).isLessThanOrEqualTo(1 + (int) Math.floor(seconds));
            assertThat(refused).isPositive();

            // maxSessions=2 under a race: six acquisitions at once through both gateways; at most two are kept
            List<Thread> racers = new ArrayList<>();
            AtomicInteger created = new AtomicInteger();
            List<String> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 6; i++) {
                String base = i % 2 == 0 ? a : b;
                String id = "race" + i;
                racers.add(Thread.ofVirtual().start(() -> {
                    HttpResponse<String> r = cluster.send(base, "POST", "/v1/sessions", "{\"sessionId\":\"" + id + "\"}",
                            BURST);
                    statuses.add(r.statusCode() + (r.statusCode() == 429 ? " " + r.body() : ""));
                    if (r.statusCode() == 201) {
                        created.incrementAndGet();
                    }
                }));
            }
            for (Thread t : racers) {
                t.join(Duration.ofSeconds(90).toMillis());
            }
            assertThat(created.get()).as(statuses.toString()).isLessThanOrEqualTo(2);
            // (a racer that passed the count may also wait for a browser and give up: 503, pool exhausted)
            assertThat(statuses).allMatch(st -> st.startsWith("201") || st.startsWith("503")
                    || st.startsWith("429") && st.contains("maxSessions"));
            assertThat(cluster.rows("SELECT count(*) FROM {s}.instances WHERE session_id LIKE 'burst/%'").get(0).get(0))
                    .as("sessions the tenant holds once the race is over").isEqualTo(Integer.toString(created.get()));
        }
    }

    private static HttpResponse<String> acquire(Cluster cluster, String base, String id) {
        return cluster.send(base, "POST", "/v1/sessions", "{\"sessionId\":\"" + id + "\"}");
    }
}
