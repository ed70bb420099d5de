package io.warmpool.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.warmpool.ActionFailedException;
import io.warmpool.quick.QuickActionRequest;
import io.warmpool.server.config.AiSettings;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Cloudflare's {@code json} action: the page's Markdown (run at the agent as {@code markdown}) goes with the
 * {@code prompt} and {@code response_format} to the configured OpenAI-compatible chat-completions endpoint; the
 * model's answer must be JSON, and valid against the {@code response_format}'s schema when one is given.
 * 501 {@code ai_not_configured} without an endpoint, 502 {@code model_failed} / {@code model_answer_invalid} when the
 * model fails or answers badly. Thread-safe.
 */
final class JsonAction {
    private static final String SYSTEM = "You extract structured data from a web page given as Markdown. "
            + "Answer with one JSON value only, no prose and no code fences.";
    private static final int MAX_PAGE_CHARS = 200_000;

    private final AiSettings ai;
    private final HttpClient http;
    private final SchemaRegistry schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            b -> b.schemaLoader(l -> l.fetchRemoteResources(false))); // a schema never makes the gateway fetch

    JsonAction(AiSettings ai, HttpClient http) {
        this.ai = ai;
        this.http = http;
    }

    /** @param markdown runs the markdown action for a request and answers as the agent did */
    QuickAnswer run(QuickActionRequest request, Function<QuickActionRequest, QuickAnswer> markdown) {
        if (!ai.configured()) {
            throw new ActionFailedException("ai_not_configured", 501, "json needs a model: configure ai.endpoint and "
                    + "ai.model (an OpenAI-compatible chat-completions URL)");
        }
        Schema schema = schema(request.responseFormat());
        QuickAnswer page = markdown.apply(forMarkdown(request));
        if (!page.ok()) {
            return page;
        }
        String text = tree(page.body()).path("result").asText("");
        JsonNode result = ask(request, text.length() > MAX_PAGE_CHARS ? text.substring(0, MAX_PAGE_CHARS) : text, schema);
        ObjectNode envelope = JsonNodeFactory.instance.objectNode().put("success", true);
        envelope.putArray("errors");
        envelope.putArray("messages");
        envelope.set("result", result);
        return new QuickAnswer(200, "application/json", Json.write(envelope), page.headers());
    }

    private JsonNode ask(QuickActionRequest request, String markdown, Schema schema) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        String model = request.customAi() != null && !request.customAi().isEmpty() ? request.customAi().get(0).model()
                : ai.model();
        body.put("model", model);
        String prompt = request.prompt() != null ? request.prompt() : "Extract the data the JSON schema describes.";
        body.set("messages", Json.MAPPER.valueToTree(List.of(Map.of("role", "system", "content", SYSTEM),
                Map.of("role", "user", "content", prompt + "\n\n---\n\n" + markdown))));
        if (schema != null) {
            body.set("response_format", Json.MAPPER.valueToTree(Map.of("type", "json_schema", "json_schema",
                    Map.of("name", "result", "schema", schema.getSchemaNode()))));
        } else {
            body.set("response_format", Json.MAPPER.valueToTree(Map.of("type", "json_object")));
        }
        HttpRequest.Builder call = HttpRequest.newBuilder(ai.endpoint()).timeout(ai.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body)));
        String auth = request.customAi() != null && !request.customAi().isEmpty()
                && request.customAi().get(0).authorization() != null ? request.customAi().get(0).authorization()
                : ai.key() == null ? null : "Bearer " + ai.key();
        if (auth != null) {
            call.header("Authorization", auth);
        }
        HttpResponse<byte[]> answer;
        try {
            answer = http.send(call.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new ActionFailedException("model_failed", 502, "the model at " + ai.endpoint() + " did not answer: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ActionFailedException("model_failed", 502, "interrupted while asking the model");
        }
        if (answer.statusCode() != 200) {
            throw new ActionFailedException("model_failed", 502, "the model answered HTTP " + answer.statusCode());
        }
        JsonNode result = parse(tree(answer.body()).path("choices").path(0).path("message")
                .path("content").asText(""));
        if (schema != null) {
            List<Error> errors = schema.validate(result);
            if (!errors.isEmpty()) {
                throw new ActionFailedException("model_answer_invalid", 502, "the model's answer does not match "
                        + "response_format's schema: " + errors.stream().limit(3).map(Error::toString).toList());
            }
        }
        return result;
    }

    private static JsonNode tree(byte[] body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new ActionFailedException("model_failed", 502, "an answer is not JSON: " + e.getMessage());
        }
    }

    private static JsonNode parse(String content) {
        String text = content.strip();
        if (text.startsWith("```")) { // models wrap JSON in a fence now and then, although asked not to
            text = text.replaceFirst("^```[a-zA-Z]*\\s*", "").replaceFirst("\\s*```$", "");
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new ActionFailedException("model_answer_invalid", 502, "the model's answer is not JSON: "
                    + (text.length() > 200 ? text.substring(0, 200) + "…" : text));
        }
    }

    /** The response_format's schema: {@code json_schema.schema}, {@code json_schema} itself, or {@code schema}. */
    private Schema schema(Map<String, Object> responseFormat) {
        if (responseFormat == null) {
            return null;
        }
        Object js = responseFormat.get("json_schema") != null ? responseFormat.get("json_schema") : responseFormat.get("schema");
        if (js instanceof Map<?, ?> m && m.get("schema") instanceof Map<?, ?> inner) {
            js = inner;
        }
        if (!(js instanceof Map<?, ?>)) {
            if (responseFormat.get("type") != null && !"json_schema".equals(responseFormat.get("type"))) {
                return null; // e.g. {"type": "json_object"}: any JSON
            }
            throw new io.warmpool.InvalidRequestException("invalid_field", "response_format.json_schema",
                    "response_format needs a JSON schema object in json_schema (or schema)");
        }
        try {
            return schemas.getSchema(Json.MAPPER.valueToTree(js));
        } catch (RuntimeException e) {
            throw new io.warmpool.InvalidRequestException("invalid_field", "response_format.json_schema",
                    "response_format.json_schema is not a usable JSON schema: " + e.getMessage());
        }
    }

    private static QuickActionRequest forMarkdown(QuickActionRequest r) {
        return new QuickActionRequest(r.url(), r.html(), r.viewport(), r.gotoOptions(), r.waitForSelector(), null, null,
                r.waitForTimeout(), r.userAgent(), r.setExtraHTTPHeaders(), r.cookies(), r.authenticate(),
                r.emulateMediaType(), r.setJavaScriptEnabled(), r.addScriptTag(), r.addStyleTag(),
                r.rejectResourceTypes(), r.rejectRequestPattern(), r.allowResourceTypes(), r.allowRequestPattern(),
                r.bestAttempt(), r.actionTimeout(), null, null, null, null, null, null, null, null, null);
    }
}
