package io.warmpool.agent.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.quick.PageOptions;
import io.warmpool.quick.QuickActionRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies a quick action's shared page fields to a fresh page: before loading (device emulation, user agent, extra
 * headers, cookies, media type, JavaScript switch, request filters and HTTP authentication through the Fetch domain)
 * and after (script and style tags, {@code waitForTimeout}). Closing stops answering paused requests. Confined to the
 * quick action's thread, except the Fetch answers, which run on virtual threads of their own.
 */
final class PageSetup implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PageSetup.class);
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);

    private final CdpConnection.Subscription subscription;

    private PageSetup(CdpConnection.Subscription subscription) {
        this.subscription = subscription;
    }

    static PageSetup before(IsolatedPage page, QuickActionRequest req, Deadline budget) {
        Duration t = budget.remaining(BrowserInstance.CALL_TIMEOUT);
        QuickActionRequest.Viewport v = req.viewport();
        if (v.device()) {
            boolean landscape = Boolean.TRUE.equals(v.isLandscape());
            page.call("Emulation.setDeviceMetricsOverride", Map.of("width", v.width(), "height", v.height(),
                    "deviceScaleFactor", v.deviceScaleFactor(), "mobile", Boolean.TRUE.equals(v.isMobile()),
                    "screenOrientation", Map.of("type", landscape ? "landscapePrimary" : "portraitPrimary",
                            "angle", landscape ? 90 : 0)), t);
            page.call("Emulation.setTouchEmulationEnabled", Map.of("enabled", Boolean.TRUE.equals(v.hasTouch())), t);
        }
        if (req.userAgent() != null) {
            page.call("Emulation.setUserAgentOverride", Map.of("userAgent", req.userAgent()), t);
        }
        if (req.setExtraHTTPHeaders() != null || req.cookies() != null) {
            page.call("Network.enable", null, t);
        }
        if (req.setExtraHTTPHeaders() != null) {
            page.call("Network.setExtraHTTPHeaders", Map.of("headers", req.setExtraHTTPHeaders()), t);
        }
        if (req.cookies() != null && !req.cookies().isEmpty()) {
            page.call("Network.setCookies", Map.of("cookies", req.cookies().stream().map(PageSetup::cookie).toList()), t);
        }
        if (req.emulateMediaType() != null) {
            page.call("Emulation.setEmulatedMedia", Map.of("media", req.emulateMediaType()), t);
        }
        if (Boolean.FALSE.equals(req.setJavaScriptEnabled())) {
            page.call("Emulation.setScriptExecutionDisabled", Map.of("value", true), t);
        }
        RequestFilter filter = RequestFilter.of(req);
        PageOptions.Credentials credentials = req.authenticate();
        if (filter == null && credentials == null) {
            return new PageSetup(() -> { });
        }
        CdpConnection.Subscription sub = page.subscribe(event -> {
            if (event.method().equals("Fetch.requestPaused") || event.method().equals("Fetch.authRequired")) {
                // answering is a CDP call: never from the connection's receive thread
                Thread.ofVirtual().name("fetch-answer").start(() -> answer(page, event.method(), event.params(),
                        filter, credentials));
            }
        });
        try {
            page.call("Fetch.enable", Map.of("patterns", List.of(Map.of("urlPattern", "*", "requestStage", "Request")),
                    "handleAuthRequests", credentials != null), t);
        } catch (RuntimeException e) {
            sub.close();
            throw e;
        }
        return new PageSetup(sub);
    }

    /** Adds script and style tags (each waits for its load), then waits {@code waitForTimeout}. */
    static void after(IsolatedPage page, QuickActionRequest req, Deadline budget) throws InterruptedException {
        Duration t = budget.remaining(BrowserInstance.CALL_TIMEOUT);
        for (PageOptions.ScriptTag s : req.addScriptTag() == null ? List.<PageOptions.ScriptTag>of() : req.addScriptTag()) {
            inject(page, "script", s.id(), s.type(), s.content(), s.url(), t);
        }
        for (PageOptions.StyleTag s : req.addStyleTag() == null ? List.<PageOptions.StyleTag>of() : req.addStyleTag()) {
            inject(page, s.url() != null ? "link" : "style", null, null, s.content(), s.url(), t);
        }
        if (req.waitForTimeout() != null && req.waitForTimeout() > 0) {
            Thread.sleep(Math.min(req.waitForTimeout(), budget.remaining().toMillis()));
        }
    }

    private static void inject(IsolatedPage page, String tag, String id, String type, String content, String url,
                               Duration timeout) {
        String expression = "(" + """
                (tag, id, type, content, url) => new Promise((resolve, reject) => {
                  const el = document.createElement(tag);
                  if (id) el.id = id;
                  if (type) el.type = type;
                  if (tag === 'link') { el.rel = 'stylesheet'; el.href = url; }
                  else if (url) { el.src = url; }
                  else { el.textContent = content; }
                  if (url) { el.onload = () => resolve(true); el.onerror = () => reject(new Error('could not load ' + url)); }
                  (document.head || document.documentElement).appendChild(el);
                  if (!url) resolve(true);
                })""" + ")(" + String.join(", ", Js.literal(tag), Js.literal(id), Js.literal(type), Js.literal(content),
                Js.literal(url)) + ")";
        JsonNode r = page.call("Runtime.evaluate", Map.of("expression", expression, "awaitPromise", true,
                "returnByValue", true), timeout);
        if (r.has("exceptionDetails")) {
            throw new AgentException("invalid_field", 400, "add" + (tag.equals("script") ? "Script" : "Style")
                    + "Tag failed in the page: " + Js.describe(r.get("exceptionDetails")));
        }
    }

    private static Map<String, Object> cookie(PageOptions.Cookie c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("value", c.value());
        putIf(m, "url", c.url());
        putIf(m, "domain", c.domain());
        putIf(m, "path", c.path());
        putIf(m, "secure", c.secure());
        putIf(m, "httpOnly", c.httpOnly());
        putIf(m, "sameSite", c.sameSite());
        putIf(m, "expires", c.expires());
        putIf(m, "priority", c.priority());
        putIf(m, "sameParty", c.sameParty());
        putIf(m, "sourceScheme", c.sourceScheme());
        putIf(m, "sourcePort", c.sourcePort());
        return m;
    }

    private static void putIf(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    private static void answer(IsolatedPage page, String method, JsonNode params, RequestFilter filter,
                               PageOptions.Credentials credentials) {
        String requestId = params.path("requestId").asText();
        try {
            if (method.equals("Fetch.authRequired")) {
                boolean server = params.path("authChallenge").path("source").asText("Server").equals("Server");
                Map<String, Object> response = server && credentials != null
                        ? Map.of("response", "ProvideCredentials", "username", credentials.username(),
                        "password", credentials.password())
                        : Map.of("response", "Default");
                page.call("Fetch.continueWithAuth", Map.of("requestId", requestId, "authChallengeResponse", response),
                        ANSWER_TIMEOUT);
            } else if (filter == null || filter.allows(params.path("request").path("url").asText(),
                    params.path("resourceType").asText())) {
                page.call("Fetch.continueRequest", Map.of("requestId", requestId), ANSWER_TIMEOUT);
            } else {
                page.call("Fetch.failRequest", Map.of("requestId", requestId, "errorReason", "BlockedByClient"),
                        ANSWER_TIMEOUT);
            }
        } catch (RuntimeException e) {
            log.debug("{} - answering {} failed (page gone?): {}", page.instance().id(), method, e.toString());
        }
    }

    @Override
    public void close() {
        subscription.close();
    }
}
