package io.warmpool.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.core.PoolSettings;
import io.warmpool.server.config.StoreSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import static io.warmpool.server.TestGateway.await;
import static io.warmpool.server.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

/** The same gateway on PostgreSQL shards (one schema per region) instead of SQLite files. */
class PostgresGatewayTest {
    static final String URL = System.getenv().getOrDefault("WARMPOOL_TEST_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    @TempDir
    Path dir;

    @Test
    void sessionsAndQuickActionsWorkOnPostgresShards() throws Exception {
        String prefix = "wp_gw" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL) + "_";
        TestGateway gw = new TestGateway(dir, PoolSettings.builder("browser").minIdle(1).maxSize(2).build(),
                c -> c.withStore(new StoreSettings(URL, prefix)));
        try {
            assertThat(await(Duration.ofSeconds(60), () -> gw.pool("weur").get("warm").asInt() >= 1
                    && gw.pool("enam").get("warm").asInt() >= 1)).isTrue();
            HttpResponse<byte[]> s = gw.send("POST", "/v1/sessions", "{\"location\":\"JFK\",\"sessionId\":\"pg-1\"}");
            assertThat(s.statusCode()).isEqualTo(201);
            JsonNode session = json(s);
            assertThat(session.get("region").asText()).isEqualTo("enam");
            assertThat(json(gw.send("POST", "/v1/sessions", "{\"sessionId\":\"pg-1\"}")).get("instanceId").asText())
                    .isEqualTo(session.get("instanceId").asText());
            HttpResponse<byte[]> content = gw.send("POST", "/v1/quick/content", "{\"html\":\"<p>on postgres</p>\"}");
            assertThat(content.statusCode()).isEqualTo(200);
            assertThat(json(content).get("result").asText()).contains("on postgres");
            assertThat(gw.send("DELETE", "/v1/sessions/pg-1", null).statusCode()).isEqualTo(204);
            try (Connection c = DriverManager.getConnection(URL); Statement st = c.createStatement()) {
                var rs = st.executeQuery("SELECT count(*) FROM " + prefix + "enam.instances");
                rs.next();
                assertThat(rs.getInt(1)).as("the enam shard holds enam's instances").isGreaterThanOrEqualTo(1);
            }
        } finally {
            gw.close();
            try (Connection c = DriverManager.getConnection(URL); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + prefix + "weur CASCADE");
                st.execute("DROP SCHEMA IF EXISTS " + prefix + "enam CASCADE");
            }
        }
    }
}
