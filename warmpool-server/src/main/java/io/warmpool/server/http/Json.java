package io.warmpool.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.warmpool.InvalidRequestException;

import java.io.IOException;
import java.util.stream.Collectors;

/** The gateway's JSON: strict on input (unknown fields, wrong types and trailing tokens are 400s). Thread-safe. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS);

    static {
        // a number or boolean where a string belongs is a type error, not "5"
        var textual = MAPPER.coercionConfigFor(LogicalType.Textual);
        for (CoercionInputShape shape : new CoercionInputShape[]{CoercionInputShape.Integer, CoercionInputShape.Float,
                CoercionInputShape.Boolean}) {
            textual.setCoercion(shape, CoercionAction.Fail);
        }
    }

    private Json() {
    }

    /** Parses a request body; an empty body is read as {@code {}}. */
    static <T> T read(byte[] body, Class<T> type) {
        try {
            if (body.length == 0 || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
                return MAPPER.readValue("{}", type);
            }
            T value = MAPPER.readValue(body, type);
            if (value == null) {
                throw new InvalidRequestException("malformed_json", null, "request body must be a JSON object, not null");
            }
            return value;
        } catch (IOException e) {
            throw translate(e);
        }
    }

    /** Converts an already parsed body, with the same errors as {@link #read}. */
    static <T> T convert(com.fasterxml.jackson.databind.JsonNode tree, Class<T> type) {
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (IOException e) {
            throw translate(e);
        }
    }

    private static InvalidRequestException translate(IOException failure) {
        return switch (failure) {
            case UnrecognizedPropertyException e -> {
                String field = path(e);
                yield new InvalidRequestException("unknown_field", field, "unknown field '" + field + "'");
            }
            case MismatchedInputException e -> {
                String field = path(e);
                yield field.isEmpty() ? new InvalidRequestException("malformed_json", null, "request body must be a JSON object")
                        : new InvalidRequestException("invalid_field", field, "field '" + field + "' has the wrong type: "
                        + e.getOriginalMessage().split("\n")[0]);
            }
            case JsonProcessingException e -> new InvalidRequestException("malformed_json", null,
                    "request body is not valid JSON: " + e.getOriginalMessage().split("\n")[0]);
            default -> new InvalidRequestException("malformed_json", null, "request body could not be read");
        };
    }

    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }
}
