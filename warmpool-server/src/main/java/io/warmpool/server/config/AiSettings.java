package io.warmpool.server.config;

import io.warmpool.ConfigException;

import java.net.URI;
import java.time.Duration;

/**
 * The model behind the {@code json} quick action: an OpenAI-compatible chat-completions endpoint. Without one
 * ({@link #NONE}) {@code json} answers 501 {@code ai_not_configured}. The endpoint is the operator's, so it is
 * called directly, not through the pages' egress guard.
 *
 * @param endpoint the full chat-completions URL, e.g. {@code http://127.0.0.1:11434/v1/chat/completions}
 * @param key      sent as {@code Authorization: Bearer <key>}; may be null
 * @param model    the model named in each request, unless the caller names one in {@code custom_ai}
 * @param timeout  how long one model call may take
 */
public record AiSettings(URI endpoint, String key, String model, Duration timeout) {
    public static final AiSettings NONE = new AiSettings(null, null, null, Duration.ofSeconds(60));

    public AiSettings {
        if (endpoint != null) {
            String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme();
            if (!scheme.equals("http") && !scheme.equals("https") || endpoint.getHost() == null) {
                throw new ConfigException("ai.endpoint must be an http(s) URL (ai.endpoint=" + endpoint + ")");
            }
            if (model == null || model.isBlank()) {
                throw new ConfigException("ai.model must name a model when ai.endpoint is set (ai.model=" + model + ")");
            }
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new ConfigException("ai.timeout must be between 1 ms and 10 minutes (ai.timeout=" + timeout + ")");
        }
    }

    public boolean configured() {
        return endpoint != null;
    }
}
