package io.warmpool.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A gateway stand-in that records every heartbeat report posted to it and answers with a settable status. */
final class FakeGateway implements AutoCloseable {
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpServer server;
    private final List<JsonNode> reports = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(204);
    private final AtomicInteger refused = new AtomicInteger();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    FakeGateway() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/internal/v1/heartbeats", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            try (InputStream body = exchange.getRequestBody()) {
                JsonNode report = AgentClient.JSON.readTree(body);
                int answer = status.get();
                if (answer / 100 == 2) {
                    reports.add(report);
                } else {
                    refused.incrementAndGet();
                }
                exchange.sendResponseHeaders(answer, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Accepted reports, oldest first. */
    List<JsonNode> reports() {
        return List.copyOf(reports);
    }

    /** Whether an accepted report said {@code instanceId} is {@code alive}. */
    boolean reported(String instanceId, boolean alive) {
        return reports.stream().flatMap(r -> r.path("instances").valueStream())
                .anyMatch(i -> i.path("instanceId").asText().equals(instanceId) && i.path("alive").asBoolean() == alive);
    }

    /** The Authorization header of every post, "null" where there was none. */
    List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    void answer(int httpStatus) {
        status.set(httpStatus);
    }

    int refused() {
        return refused.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
