package io.warmpool.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A cluster on loopback for tests, every part its own OS process: gateways ({@code warmpool up}) sharing one real
 * PostgreSQL database (a fresh schema prefix), one remote region {@code weur}, and {@code warmpool agent}s with real
 * Chromium. {@link #close()} stops every process it started, checks none of their browsers is left, and drops the
 * schemas.
 */
final class Cluster implements AutoCloseable {
    static final String SECRET = "s3cret-shared-by-the-cluster-test";
    private static final String LISTENING = "warmpool agent ";

    /** An agent process and its data directory (its browsers' command lines mention it). */
    record Agent(Process process, Path dir, String id, String url) {
        long browsers() {
            return Processes.browsers(dir.toString()).size();
        }
    }

    final Path dir;
    final String prefix = "wp_cl" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL) + "_";
    final Path config;
    final Path secretFile;
    final List<GatewayProcess> gateways = new ArrayList<>();
    final List<Agent> agents = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @param extra more top-level config members, such as {@code "auth": {...}}, with a leading comma; or empty
     */
    Cluster(Path dir, int minIdle, int maxSize, String extra) throws IOException {
        this.dir = dir;
        this.secretFile = Files.writeString(dir.resolve("cluster.secret"), SECRET + "\n");
        this.config = Files.writeString(dir.resolve("cluster.json"), """
                {"defaultRegion": "weur",
                 "regions": {"weur": {"agents": "remote", "zones": ["weur-a", "weur-b"]}},
                 "pools": {"browser": {"minIdle": %d, "maxSize": %d, "staleAfter": "PT8S"}},
                 "store": {"postgres": "%s", "schemaPrefix": "%s"},
                 "cluster": {"secretFile": "%s"}%s}""".formatted(minIdle, maxSize, PostgresGatewayTest.URL, prefix,
                secretFile, extra));
    }

    GatewayProcess gateway() {
        return gateway(0);
    }

    /** Starts a gateway on {@code port} (0: any free one). */
    GatewayProcess gateway(int port) {
        GatewayProcess g = GatewayProcess.start(dir.resolve("gw" + gateways.size()), config, port, "-Xmx192m");
        gateways.add(g);
        return g;
    }

    static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts {@code warmpool agent} in {@code zone} reporting to {@code gatewayUrls} (in that order), capacity 3. */
    Agent agent(String zone, String... gatewayUrls) throws Exception {
        Path agentDir = dir.resolve("agent" + agents.size());
        Files.createDirectories(agentDir);
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-Xmx192m", "-cp", System.getProperty("java.class.path"),
                "io.warmpool.server.Main", "agent", "--gateways", String.join(",", gatewayUrls), "--region", "weur",
                "--zone", zone, "--pool", "browser", "--capacity", "3", "--secret-file", secretFile.toString(),
                "--data-dir", agentDir.toString()));
        Process p = new ProcessBuilder(cmd).redirectError(agentDir.resolve("agent.log").toFile()).start();
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader out = p.inputReader(StandardCharsets.UTF_8)) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(LISTENING)) {
                        url.complete(line); // warmpool agent ID listening on URL
                    }
                }
            } catch (IOException e) {
                url.completeExceptionally(e);
            }
            url.completeExceptionally(new IllegalStateException("agent exited before it listened"));
        });
        String[] line = url.get(60, TimeUnit.SECONDS).split(" ");
        Agent a = new Agent(p, agentDir, line[2], line[line.length - 1]);
        agents.add(a);
        return a;
    }

    /** {@code Authorization} sent with every request when set (a tenant's {@code Bearer key}). */
    volatile String authorization;

    HttpResponse<String> send(String base, String method, String path, String body) {
        return send(base, method, path, body, authorization);
    }

    HttpResponse<String> send(String base, String method, String path, String body, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpRequest request = b.build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + base + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The weur pool as {@code base} reports it. */
    JsonNode pool(String base) {
        JsonNode all = json(send(base, "GET", "/v1/pools", null).body());
        for (JsonNode p : all.get("result")) {
            if (p.get("region").asText().equals("weur")) {
                return p;
            }
        }
        throw new IllegalStateException("no weur pool at " + base);
    }

    static JsonNode json(String body) {
        try {
            return TestGateway.JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + body, e);
        }
    }

    /** Rows of the weur shard: {@code select} runs as is, with {@code {s}} standing for the schema. */
    List<List<String>> rows(String select) {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(PostgresGatewayTest.URL); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(select.replace("{s}", prefix + "weur"))) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** The pid in the holder id of weur's housekeeping lease ({@code host/pid/random}), or 0 when none holds it. */
    long leaderPid(java.time.Instant now) {
        List<List<String>> lease = rows("SELECT holder, expires_at FROM {s}.leases WHERE name = 'housekeeping/weur'");
        if (lease.isEmpty() || Long.parseLong(lease.get(0).get(1)) <= now.toEpochMilli()) {
            return 0;
        }
        return Long.parseLong(lease.get(0).get(0).split("/")[1]);
    }

    /** How many weur instances are live (STARTING, WARM or CLAIMED) in the shard. */
    int live() {
        return Integer.parseInt(rows("SELECT count(*) FROM {s}.instances WHERE state IN ('STARTING', 'WARM', 'CLAIMED')")
                .get(0).get(0));
    }

    static void signal(Process p, String signal) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        for (Agent a : agents) {
            if (a.process().isAlive()) {
                signal(a.process(), "CONT");
                a.process().destroy();
                if (!a.process().waitFor(30, TimeUnit.SECONDS)) {
                    a.process().destroyForcibly();
                }
            }
        }
        for (GatewayProcess g : gateways) {
            if (g.process.isAlive()) {
                signal(g.process, "CONT");
                g.close();
            }
        }
        TestGateway.await(Duration.ofSeconds(30), () -> agents.stream().allMatch(a -> a.browsers() == 0));
        try (Connection c = DriverManager.getConnection(PostgresGatewayTest.URL); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + prefix + "weur CASCADE");
            st.execute("DROP TABLE IF EXISTS " + prefix + "crawl_records, " + prefix + "crawl_jobs");
        }
        http.close();
        for (Agent a : agents) {
            if (a.browsers() != 0) {
                throw new IllegalStateException("browsers of " + a.dir() + " outlived their agent");
            }
        }
    }
}
