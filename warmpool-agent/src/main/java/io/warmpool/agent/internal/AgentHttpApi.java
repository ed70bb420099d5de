package io.warmpool.agent.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.warmpool.BrowserKind;
import io.warmpool.InvalidRequestException;
import io.warmpool.WarmPoolException;
import io.warmpool.protocol.AgentMessages.InstanceView;
import io.warmpool.protocol.AgentMessages.StartRequest;
import io.warmpool.protocol.AgentMessages.Started;
import io.warmpool.protocol.AgentProtocol;
import io.warmpool.quick.QuickAction;
import io.warmpool.quick.QuickActionRequest;
import io.warmpool.quick.ServerTiming;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;

/**
 * The agent's loopback HTTP API (Javalin on virtual threads). Every error is the envelope
 * {@code {"success":false,"errors":[{"code","message"}]}} with a 4xx/5xx status, never a stack trace.
 * Thread-safe.
 */
public final class AgentHttpApi implements AutoCloseable {
    public static final String BROWSER_MS_HEADER = AgentProtocol.BROWSER_MS_HEADER;
    public static final String BLOCKED_HEADER = AgentProtocol.BLOCKED_HEADER;
    public static final String BLOCKED_URLS_HEADER = AgentProtocol.BLOCKED_URLS_HEADER;
    private static final Logger log = LoggerFactory.getLogger(AgentHttpApi.class);
    private static final String ERROR_WRITTEN = "warmpool.error";
    private static final long MAX_BODY_BYTES = 16L << 20;

    private static BrowserKind browserKind(StartRequest request, BrowserKind absent) {
        String browser = request.browser();
        return browser == null ? absent : BrowserKind.fromConfigName(browser).orElseThrow(() -> new AgentException(
                AgentProtocol.INVALID_FIELD, 400, "browser must be headless-shell or chromium (got '" + browser + "')"));
    }

    /** Cloudflare's success envelope: {@code {"success":true,"errors":[],"messages":[],"result":...}}. */
    private record Success(boolean success, List<Object> errors, List<Object> messages,
                           com.fasterxml.jackson.databind.JsonNode result) {
        Success(com.fasterxml.jackson.databind.JsonNode result) {
            this(true, List.of(), List.of(), result);
        }
    }

    private record ErrorBody(boolean success, List<Map<String, String>> errors) {
    }

    private final InstanceRegistry registry;
    private final QuickActionRunner quick;
    private final BrowserReset reset;
    private final ObjectMapper json;
    private final Javalin app;
    private final byte[] secretDigest;
    private final AgentMetrics metrics;
    private final java.net.http.HttpClient relayHttp = java.net.http.HttpClient.newBuilder()
            .connectTimeout(java.time.Duration.ofSeconds(2))
            .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()).build();
    private final CdpRelay relay;

    /** @param secret when non-null, every route but {@code GET /healthz} needs {@code Authorization: Bearer <secret>} */
    public AgentHttpApi(InstanceRegistry registry, QuickActionRunner quick, BrowserReset reset, ObjectMapper json,
                        String secret, AgentMetrics metrics) {
        this.metrics = metrics;
        this.secretDigest = secret == null ? null : sha256(AgentProtocol.bearer(secret));
        this.registry = registry;
        this.quick = quick;
        this.reset = reset;
        this.json = json;
        this.relay = new CdpRelay(registry, relayHttp, java.time.InstantSource.system());
        this.app = Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true;
            config.startup.showJavalinBanner = false;
            config.startup.startupWatcherEnabled = false;
            config.http.maxRequestSize = MAX_BODY_BYTES;
            config.http.compressionStrategy = CompressionStrategy.NONE; // images and PDFs are compressed already; it is loopback
            config.jetty.modifyWebSocketServletFactory(ws -> {
                ws.setMaxTextMessageSize(AgentProtocol.MAX_CDP_MESSAGE_BYTES);
                ws.setMaxBinaryMessageSize(AgentProtocol.MAX_CDP_MESSAGE_BYTES);
                ws.setIdleTimeout(java.time.Duration.ofHours(1));
            });
            routes(config.routes);
        });
    }

    private void routes(RoutesConfig routes) {
        routes.before(this::authorize);
        routes.get(AgentProtocol.HEALTH, ctx -> writeJson(ctx, 200, Map.of("ok", true)));
        routes.get(AgentProtocol.METRICS, ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
        routes.get(AgentProtocol.INSTANCES, ctx -> writeJson(ctx, 200, registry.list().stream()
                .map(i -> new InstanceView(i.id(), i.pool(), i.pid(), i.alive(), i.cdpUrl(), i.uses())).toList()));
        routes.post(AgentProtocol.INSTANCES, this::start);
        routes.delete(AgentProtocol.instance("{id}"), ctx -> {
            relay.closeInstance(ctx.pathParam("id"), "instance stopped");
            registry.stop(ctx.pathParam("id"));
            ctx.status(204);
        });
        routes.post(AgentProtocol.reset("{id}"), ctx -> {
            relay.closeInstance(ctx.pathParam("id"), "instance reset for its next session");
            reset.reset(registry.require(ctx.pathParam("id")));
            writeJson(ctx, 200, Map.of("reset", true));
        });
        routes.post(AgentProtocol.quick("{id}", "{action}"), this::quickAction);
        relay.register(routes, this::authorize);
        routes.exception(HttpResponseException.class, (e, ctx) ->
                writeError(ctx, e.getStatus(), "http_" + e.getStatus(), e.getMessage()));
        routes.exception(Exception.class, (e, ctx) -> writeError(ctx, e));
        routes.error(404, ctx -> {
            if (ctx.attribute(ERROR_WRITTEN) == null) {
                writeError(ctx, 404, "not_found", "no route " + ctx.method() + " " + ctx.path());
            }
        });
    }

    /** Listens on {@code host}:{@code port} (0: any free port) and returns the bound port. */
    public int start(String host, int port) {
        app.start(host, port);
        return app.port();
    }

    @Override
    public void close() {
        relay.closeAll();
        app.stop();
        relayHttp.close();
    }

    private void start(Context ctx) {
        StartRequest request = read(ctx, StartRequest.class);
        if (request == null) {
            throw new AgentException(AgentProtocol.INVALID_JSON, 400, "body must be {\"instanceId\",\"pool\",\"version\"}");
        }
        BrowserInstance instance = registry.start(request.instanceId(), request.pool(), request.version(),
                browserKind(request, registry.defaultBrowser()));
        writeJson(ctx, 200, new Started(instance.id(), instance.cdpUrl(), instance.pid(), instance.startMillis()));
    }

    private void quickAction(Context ctx) {
        long entered = System.nanoTime();
        long t0 = entered;
        boolean inBrowser = false; // until the browser is involved, no browser time is used
        try {
            QuickAction action = QuickAction.fromPath(ctx.pathParam("action")).orElseThrow(() ->
                    new AgentException("unknown_action", 404, "no quick action '" + ctx.pathParam("action") + "'"));
            QuickActionRequest request = read(ctx, QuickActionRequest.class);
            if (request == null) {
                throw new AgentException("invalid_json", 400, "body must be a quick action request");
            }
            request.validated(action, io.warmpool.quick.PageDefaults.AGENT); // fail before touching the browser; the runner validates again
            BrowserInstance instance = registry.require(ctx.pathParam("id"));
            t0 = System.nanoTime();
            inBrowser = true;
            QuickResult result = quick.run(instance, action, request);
            long used = System.nanoTime() - t0;
            ctx.header(BROWSER_MS_HEADER, Long.toString(used / 1_000_000));
            // the same, to the microsecond; and the handler's whole time, to tell the agent's work from the hop
            ctx.header(ServerTiming.HEADER, ServerTiming.entry("browser", used) + ", "
                    + ServerTiming.entry("agent-handler", System.nanoTime() - entered));
            ctx.header(BLOCKED_HEADER, Integer.toString(result.blocked()));
            if (!result.blockedUrls().isEmpty()) {
                ctx.header(BLOCKED_URLS_HEADER, result.blockedUrls());
            }
            if (result.isBinary()) {
                ctx.status(200).contentType(result.contentType()).result(result.body());
            } else {
                writeJson(ctx, 200, new Success(result.result()));
            }
        } catch (RuntimeException e) {
            ctx.header(BROWSER_MS_HEADER, !inBrowser ? "0" : Long.toString((System.nanoTime() - t0) / 1_000_000));
            writeError(ctx, e);
        }
    }

    private void authorize(Context ctx) {
        if (io.javalin.http.HandlerType.GET.equals(ctx.method()) && ctx.path().equals(AgentProtocol.HEALTH)) {
            return;
        }
        String problem = AgentProtocol.versionProblem(ctx.header(AgentProtocol.VERSION_HEADER));
        if (problem != null) {
            throw new AgentException(AgentProtocol.UNSUPPORTED_PROTOCOL, 400, problem);
        }
        if (secretDigest == null) {
            return;
        }
        String given = ctx.header(AgentProtocol.AUTH_HEADER);
        // digests have one length, so the comparison takes the same time whatever was sent
        if (given == null || !MessageDigest.isEqual(secretDigest, sha256(given))) {
            throw new AgentException(AgentProtocol.UNAUTHORIZED, 401, given == null ? "missing Authorization: Bearer <secret>"
                    : "wrong agent secret");
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T read(Context ctx, Class<T> type) {
        try {
            return json.readValue(ctx.body(), type);
        } catch (JsonProcessingException e) {
            throw new AgentException(AgentProtocol.INVALID_JSON, 400, "body is not valid: " + e.getOriginalMessage());
        }
    }

    private void writeError(Context ctx, Exception e) {
        switch (e) {
            case AgentException a -> writeError(ctx, a.status(), a.code(), a.getMessage());
            case InvalidRequestException i -> writeError(ctx, 400, i.code(), i.getMessage());
            case io.warmpool.ActionFailedException a -> writeError(ctx, a.status(), a.code(), a.getMessage());
            case HttpResponseException h -> writeError(ctx, h.getStatus(), "http_" + h.getStatus(), h.getMessage());
            case WarmPoolException w -> {
                log.warn("{} {} failed: {}", ctx.method(), ctx.path(), w.toString());
                writeError(ctx, 500, w.code(), w.getMessage());
            }
            default -> {
                log.warn("{} {} failed", ctx.method(), ctx.path(), e);
                writeError(ctx, 500, "internal_error", e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }

    private void writeError(Context ctx, int status, String code, String message) {
        ctx.attribute(ERROR_WRITTEN, Boolean.TRUE);
        if (status == 429 || status == 503) {
            ctx.header("Retry-After", "1");
        }
        writeJson(ctx, status, new ErrorBody(false, List.of(Map.of("code", code,
                "message", message == null ? code : message))));
    }

    private void writeJson(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + body.getClass().getSimpleName(), e);
        }
    }
}
