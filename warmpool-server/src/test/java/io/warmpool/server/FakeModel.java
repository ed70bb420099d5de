package io.warmpool.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small local server playing an OpenAI-compatible model for the {@code json} action: it answers
 * {@code {"heading": <the first Markdown heading of the page it was sent>}}, or, when the prompt says "break",
 * {@code {"heading": 42}}. It keeps every request it got.
 */
final class FakeModel implements AutoCloseable {
    private final HttpServer server;
    final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();

    FakeModel() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/v1/chat/completions", ex -> {
            JsonNode request = TestGateway.JSON.readTree(ex.getRequestBody().readAllBytes());
            requests.add(request);
            authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            String user = request.path("messages").path(1).path("content").asText();
            Matcher heading = Pattern.compile("(?m)^#+\\s*(.+)$").matcher(user);
            ObjectNode answer = TestGateway.JSON.createObjectNode();
            if (user.contains("break")) {
                answer.put("heading", 42);
            } else {
                answer.put("heading", heading.find() ? heading.group(1).trim() : "");
            }
            ObjectNode body = TestGateway.JSON.createObjectNode();
            body.putArray("choices").addObject().putObject("message").put("role", "assistant")
                    .put("content", answer.toString());
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, bytes.length);
            ex.getResponseBody().write(bytes);
            ex.close();
        });
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/chat/completions";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
