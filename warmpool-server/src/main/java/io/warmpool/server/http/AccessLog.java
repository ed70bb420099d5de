package io.warmpool.server.http;

import io.javalin.http.Context;
import io.javalin.http.RequestLogger;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The access log: one line per HTTP request, and one when a WebSocket opens and when it closes, on the logger
 * {@code io.warmpool.access}, with method, path, status, duration and tenant as fields. It never prints a key or a
 * token: paths are logged without their query (where session tokens travel) and no header is read. Thread-safe.
 */
final class AccessLog implements RequestLogger {
    private static final Logger log = LoggerFactory.getLogger("io.warmpool.access");

    /** When each open WebSocket opened (nanoTime), by Javalin's session id; an entry leaves at close. */
    private final Map<String, Long> openedAt = new ConcurrentHashMap<>();

    @Override
    public void handle(Context ctx, Float ms) {
        Access.Tenant tenant = ctx.attribute(Access.TENANT);
        line("request", ctx.method().name(), ctx.path(), ctx.statusCode(), Math.round(ms == null ? 0 : ms), tenant);
    }

    /** Logs each WebSocket's opening and closing. */
    void websockets(WsConfig ws) {
        ws.onConnect(ctx -> {
            openedAt.put(ctx.sessionId(), System.nanoTime());
            line("websocket open", "GET", path(ctx), 101, 0, ctx.attribute(Access.TENANT));
        });
        ws.onClose(ctx -> {
            Long t0 = openedAt.remove(ctx.sessionId());
            line("websocket closed", "GET", path(ctx), ctx.status(), t0 == null ? 0 : (System.nanoTime() - t0) / 1_000_000,
                    ctx.attribute(Access.TENANT));
        });
    }

    private static String path(WsContext ctx) {
        return ctx.session.getUpgradeRequest().getRequestURI().getPath();
    }

    private static void line(String what, String method, String path, int status, long ms, Access.Tenant tenant) {
        if (log.isInfoEnabled()) {
            log.atInfo().addKeyValue("method", method).addKeyValue("path", path).addKeyValue("status", status)
                    .addKeyValue("ms", ms).addKeyValue("tenant", tenant == null ? "-" : tenant.name()).log(what);
        }
    }
}
