package io.warmpool.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.quick.ServerTiming;
import io.warmpool.server.local.AgentConnections;
import io.warmpool.server.local.AgentReply;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The gateway's HTTP API as a benchmark client calls it: one shared JDK client (HTTP/1.1, keep-alive), every call
 * bounded by {@link #TIMEOUT}, any unexpected status an {@link IOException} carrying the body. Made {@link #lean},
 * its quick actions go instead over pooled blocking keep-alive sockets (the gateway's own {@link AgentConnections}),
 * so that a benchmark can tell the JDK client's cost from the gateway's. Thread-safe.
 */
final class GatewayClient {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** A session as {@code POST /v1/sessions} returns it. */
    record Session(String id, String webSocketDebuggerUrl, boolean warm) {
    }

    private final HttpClient http;
    private final String base;
    private final AgentConnections lean;

    /** @param base the gateway's URL, e.g. {@code http://127.0.0.1:8080} (or a relay in front of it) */
    GatewayClient(HttpClient http, String base) {
        this(http, base, null);
    }

    private GatewayClient(HttpClient http, String base, AgentConnections lean) {
        this.http = http;
        this.base = base;
        this.lean = lean;
    }

    /** This client, its {@link #quick} calls sent over {@code connections} (which the caller closes). */
    GatewayClient lean(AgentConnections connections) {
        return new GatewayClient(http, base, connections);
    }

    static HttpClient newHttpClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    Session acquire(String pool, String location) throws IOException, InterruptedException {
        byte[] body = CdpClient.JSON.writeValueAsBytes(Map.of("pool", pool, "location", location));
        HttpResponse<byte[]> r = send(post("/v1/sessions", body));
        expect(r, 201);
        JsonNode session = CdpClient.JSON.readTree(r.body());
        return new Session(session.path("sessionId").asText(), session.path("webSocketDebuggerUrl").asText(),
                session.path("warm").asBoolean());
    }

    void release(String sessionId) throws IOException, InterruptedException {
        expect(send(HttpRequest.newBuilder(URI.create(base + "/v1/sessions/" + sessionId)).timeout(TIMEOUT)
                .DELETE().build()), 204);
    }

    /** {@code GET /healthz}: one round trip and almost no work, to calibrate what a relay adds. */
    void health() throws IOException, InterruptedException {
        expect(send(HttpRequest.newBuilder(URI.create(base + "/healthz")).timeout(TIMEOUT).GET().build()), 200);
    }

    /** {@code POST /v1/quick/screenshot} of {@code url} with a {@code viewport} of that size (PNG, load). */
    byte[] screenshot(String url, Png.Size viewport) throws IOException, InterruptedException {
        byte[] body = CdpClient.JSON.writeValueAsBytes(Map.of("url", url,
                "viewport", Map.of("width", viewport.width(), "height", viewport.height())));
        HttpResponse<byte[]> r = send(post("/v1/quick/screenshot?location=LHR", body));
        expect(r, 200);
        return r.body();
    }

    /**
     * What {@link #quick} got: the result, the agent's {@code X-Browser-Ms-Used}, and the {@code Server-Timing}
     * entries (ms, -1 when absent): the gateway's own time (claim and release included), its call to the agent, and
     * the agent's time in the browser.
     */
    record QuickAnswer(byte[] body, long browserMs, double gatewayMs, double agentCallMs, double inBrowserMs,
                       double claimMs, double releaseMs, double agentHandlerMs) {
    }

    /** {@code POST /v1/quick/{action}?pool=…} of {@code url} with a {@code viewport} of that size and wait (load). */
    QuickAnswer quick(String action, String pool, String url, Png.Size viewport) throws IOException,
            InterruptedException {
        return quick(action, pool, null, url, viewport);
    }

    /** Like {@link #quick(String, String, String, Png.Size)}, as {@code tenant} (a shared pool's routing key; null: none). */
    QuickAnswer quick(String action, String pool, String tenant, String url, Png.Size viewport) throws IOException,
            InterruptedException {
        byte[] body = CdpClient.JSON.writeValueAsBytes(Map.of("url", url,
                "viewport", Map.of("width", viewport.width(), "height", viewport.height())));
        String path = "/v1/quick/" + action + "?location=LHR&pool=" + pool + (tenant == null ? "" : "&tenant=" + tenant);
        if (lean != null) {
            AgentReply r = lean.post(URI.create(base + path), Map.of("Content-Type", "application/json"), body, TIMEOUT);
            if (r.status() != 200) {
                throw new IOException("POST " + path + " -> HTTP " + r.status() + ": "
                        + new String(r.body(), StandardCharsets.UTF_8));
            }
            return answer(r.body(), r::header);
        }
        HttpResponse<byte[]> r = send(post(path, body));
        expect(r, 200);
        return answer(r.body(), name -> r.headers().firstValue(name).orElse(null));
    }

    private static QuickAnswer answer(byte[] body, java.util.function.UnaryOperator<String> header) {
        String timing = header.apply(ServerTiming.HEADER);
        String browserMs = header.apply("X-Browser-Ms-Used");
        return new QuickAnswer(body, Long.parseLong(browserMs == null ? "-1" : browserMs),
                ServerTiming.millis(timing, "gateway"), ServerTiming.millis(timing, "agent"),
                ServerTiming.millis(timing, "browser"), ServerTiming.millis(timing, "claim"),
                ServerTiming.millis(timing, "release"), ServerTiming.millis(timing, "agent-handler"));
    }

    private HttpRequest post(String path, byte[] json) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(json)).build();
    }

    private HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void expect(HttpResponse<byte[]> r, int status) throws IOException {
        if (r.statusCode() != status) {
            String body = new String(r.body(), StandardCharsets.UTF_8);
            throw new IOException(r.request().method() + " " + r.request().uri().getPath() + " -> HTTP " + r.statusCode()
                    + ": " + body.substring(0, Math.min(300, body.length())));
        }
    }
}
