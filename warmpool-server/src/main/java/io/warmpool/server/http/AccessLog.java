package io.warmpool.server.http;

import io.javalin.http.Context;
import io.javalin.http.RequestLogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log: one line per HTTP request on the logger {@code io.warmpool.access}, with method, path, status,
 * duration and tenant as fields. It never prints a key or a token: the path is logged without its query (where
 * session tokens travel) and no header is read. Stateless.
 */
final class AccessLog implements RequestLogger {
    private static final Logger log = LoggerFactory.getLogger("io.warmpool.access");

    @Override
    public void handle(Context ctx, Float ms) {
        if (!log.isInfoEnabled()) {
            return;
        }
        Access.Tenant tenant = ctx.attribute(Access.TENANT);
        log.atInfo().addKeyValue("method", ctx.method().name()).addKeyValue("path", ctx.path())
                .addKeyValue("status", ctx.statusCode()).addKeyValue("ms", Math.round(ms == null ? 0 : ms))
                .addKeyValue("tenant", tenant == null ? "-" : tenant.name()).log("request");
    }
}
