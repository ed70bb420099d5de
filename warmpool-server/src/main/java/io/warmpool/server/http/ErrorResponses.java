package io.warmpool.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.warmpool.ActionFailedException;
import io.warmpool.ForbiddenException;
import io.warmpool.InstanceLostException;
import io.warmpool.InvalidRequestException;
import io.warmpool.PoolExhaustedException;
import io.warmpool.ProviderException;
import io.warmpool.RateLimitedException;
import io.warmpool.UnauthorizedException;
import io.warmpool.SessionNotFoundException;
import io.warmpool.StoreException;
import io.warmpool.WarmPoolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * Maps every failure to HTTP in one place, with the envelope Cloudflare's API clients parse:
 * {@code {"success":false,"errors":[{"code":"...","message":"..."}]}}. Never a stack trace.
 */
final class ErrorResponses {
    private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);
    private static final String WRITTEN = "warmpool.error.written";

    private ErrorResponses() {
    }

    static void register(RoutesConfig app) {
        app.exception(InvalidRequestException.class, (e, ctx) -> write(ctx, 400, e.code(), e.getMessage(), e.field()));
        app.exception(SessionNotFoundException.class, (e, ctx) -> write(ctx, 404, e.code(), e.getMessage(), null));
        app.exception(InstanceLostException.class, (e, ctx) -> write(ctx, 410, e.code(), e.getMessage(), null));
        app.exception(PoolExhaustedException.class, (e, ctx) -> {
            ctx.header("Retry-After", Long.toString(Math.max(1, e.retryAfter().toSeconds())));
            write(ctx, 503, e.code(), e.getMessage(), null);
        });
        app.exception(StoreException.class, (e, ctx) -> {
            log.warn("store failure: {} (SQLState {})", e.getMessage(), e.sqlState());
            ctx.header("Retry-After", "2");
            write(ctx, 503, e.code(), "the store is unavailable; retry shortly", null);
        });
        app.exception(RateLimitedException.class, (e, ctx) -> {
            ctx.header("Retry-After", Long.toString(Math.max(1, (e.retryAfter().toMillis() + 999) / 1000)));
            ctx.header("X-Warmpool-Limit", e.limit());
            write(ctx, 429, e.code(), e.getMessage(), null);
        });
        app.exception(UnauthorizedException.class, (e, ctx) -> {
            ctx.header("WWW-Authenticate", "Bearer realm=\"warmpool\"");
            write(ctx, 401, e.code(), e.getMessage(), null);
        });
        app.exception(ForbiddenException.class, (e, ctx) -> write(ctx, 403, e.code(), e.getMessage(), null));
        app.exception(ActionFailedException.class, (e, ctx) -> write(ctx, e.status(), e.code(), e.getMessage(), null));
        app.exception(ProviderException.class, (e, ctx) -> {
            log.warn("provider failure: {}", e.getMessage());
            write(ctx, 502, e.code(), e.getMessage(), null);
        });
        app.exception(WarmPoolException.class, (e, ctx) -> write(ctx, 500, e.code(), e.getMessage(), null));
        app.exception(HttpResponseException.class, (e, ctx) -> write(ctx, e.getStatus(), codeFor(e.getStatus()),
                e.getMessage(), null));
        app.exception(Exception.class, (e, ctx) -> {
            log.error("unexpected failure on {} {}", ctx.method(), ctx.path(), e);
            write(ctx, 500, "internal_error", "internal error; see the gateway log", null);
        });
        app.error(404, ctx -> {
            if (ctx.attribute(WRITTEN) == null) {
                write(ctx, 404, "not_found", "no such endpoint: " + ctx.method() + " " + ctx.path(), null);
            }
        });
        app.error(405, ctx -> {
            if (ctx.attribute(WRITTEN) == null) {
                write(ctx, 405, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path(), null);
            }
        });
    }

    static void write(Context ctx, int status, String code, String message, String field) {
        Map<String, Object> error = field == null ? Map.of("code", code, "message", message)
                : Map.of("code", code, "message", message, "field", field);
        ctx.attribute(WRITTEN, Boolean.TRUE);
        ctx.status(status).contentType("application/json")
                .result(Json.write(Map.of("success", false, "errors", List.of(error), "messages", List.of())));
    }

    private static String codeFor(int status) {
        return switch (status) {
            case 413 -> "body_too_large";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            default -> status >= 500 ? "internal_error" : "bad_request";
        };
    }
}
