package io.warmpool.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A quick action done directly over CDP on a warm browser, the way a small server next to the browser would: in a
 * fresh browser context ({@code Target.createBrowserContext}) or in the default one, {@code createTarget} about:blank
 * at the given viewport (1280x720 unless told), attach (flatten), {@code Page.enable}, navigate, wait for
 * {@code Page.loadEventFired}, capture (screenshot PNG, A4-less default PDF, or the serialized HTML), then close the
 * page or dispose the context. Stateless.
 */
final class CdpQuickAction {
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);
    /** The viewport of the first benchmarks (not warmpool's default, which is Cloudflare's 1920x1080). */
    static final Png.Size DEFAULT_VIEWPORT = new Png.Size(1280, 720);
    private static final String CONTENT = "new XMLSerializer().serializeToString(document)";

    enum Kind { SCREENSHOT, PDF, CONTENT }

    private CdpQuickAction() {
    }

    /**
     * @param freshContext an isolated browser context for this action (disposed after), else the default context
     * @return {@link System#nanoTime()} when the result was in hand (the cleanup after it is not in the latency)
     */
    static long run(CdpClient cdp, Kind kind, String url, boolean freshContext) throws IOException {
        return run(cdp, kind, url, freshContext, DEFAULT_VIEWPORT);
    }

    /** Like {@link #run(CdpClient, Kind, String, boolean)}, the page {@code viewport} in size. */
    static long run(CdpClient cdp, Kind kind, String url, boolean freshContext, Png.Size viewport) throws IOException {
        return run(cdp, kind, url, freshContext, viewport, false);
    }

    /**
     * Like {@link #run(CdpClient, Kind, String, boolean, Png.Size)}; with {@code fastPng} a screenshot asks for
     * {@code optimizeForSpeed} (the same pixels, a faster encoding), as the agent does by default.
     */
    static long run(CdpClient cdp, Kind kind, String url, boolean freshContext, Png.Size viewport, boolean fastPng)
            throws IOException {
        String contextId = freshContext ? cdp.call("Target.createBrowserContext", Map.of("disposeOnDetach", true), null,
                STEP_TIMEOUT).path("browserContextId").asText() : null;
        Map<String, Object> target = new HashMap<>(Map.of("url", "about:blank", "width", viewport.width(),
                "height", viewport.height()));
        if (contextId != null) {
            target.put("browserContextId", contextId);
        }
        String targetId = null;
        try {
            targetId = cdp.call("Target.createTarget", target, null, STEP_TIMEOUT).path("targetId").asText();
            String session = cdp.call("Target.attachToTarget", Map.of("targetId", targetId, "flatten", true), null,
                    STEP_TIMEOUT).path("sessionId").asText();
            cdp.call("Page.enable", null, session, STEP_TIMEOUT);
            CompletableFuture<JsonNode> loaded = cdp.nextEvent("Page.loadEventFired", session);
            JsonNode nav = cdp.call("Page.navigate", Map.of("url", url), session, STEP_TIMEOUT);
            if (!nav.path("errorText").asText("").isEmpty()) {
                throw new IOException("navigation to " + url + " failed: " + nav.get("errorText").asText());
            }
            CdpClient.await(loaded, STEP_TIMEOUT, "Page.loadEventFired");
            byte[] result = capture(cdp, kind, session, fastPng);
            if (result.length == 0) {
                throw new IOException(kind + " returned nothing");
            }
            return System.nanoTime();
        } finally {
            if (contextId != null) {
                cdp.call("Target.disposeBrowserContext", Map.of("browserContextId", contextId), null, STEP_TIMEOUT);
            } else if (targetId != null) {
                cdp.call("Target.closeTarget", Map.of("targetId", targetId), null, STEP_TIMEOUT);
            }
        }
    }

    private static byte[] capture(CdpClient cdp, Kind kind, String session, boolean fastPng) throws IOException {
        return switch (kind) {
            case SCREENSHOT -> Base64.getDecoder().decode(cdp.call("Page.captureScreenshot", fastPng
                    ? Map.of("format", "png", "optimizeForSpeed", true) : Map.of("format", "png"),
                    session, STEP_TIMEOUT).path("data").asText());
            case PDF -> Base64.getDecoder().decode(cdp.call("Page.printToPDF", Map.of(), session, STEP_TIMEOUT)
                    .path("data").asText());
            case CONTENT -> cdp.call("Runtime.evaluate", Map.of("expression", CONTENT, "returnByValue", true), session,
                    STEP_TIMEOUT).path("result").path("value").asText("").getBytes(StandardCharsets.UTF_8);
        };
    }
}
