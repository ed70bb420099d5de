package io.warmpool.agent.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.quick.PageOptions;
import io.warmpool.quick.QuickActionRequest;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A screenshot of a loaded page: the viewport, the full page, a {@code clip}, or the box of the element matching
 * {@code selector}; {@code scrollPage} scrolls to the bottom first (lazy content) and back. Stateless.
 */
final class ScreenshotCapture {
    private static final String SCROLL = """
            (async () => {
              const step = Math.max(200, window.innerHeight);
              for (let y = 0, i = 0; y < document.documentElement.scrollHeight && i < 200; y += step, i++) {
                window.scrollTo(0, y);
                await new Promise(r => requestAnimationFrame(() => setTimeout(r, 16)));
              }
              window.scrollTo(0, 0);
              return true;
            })()""";
    private static final String ELEMENT_BOX = """
            ((sel) => {
              const el = document.querySelector(sel);
              if (!el) return null;
              el.scrollIntoView({block: 'center', inline: 'center'});
              const r = el.getBoundingClientRect();
              return {x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height};
            })""";

    private ScreenshotCapture() {
    }

    /** The content type of a screenshot with {@code encoding: "base64"}: the image's base64 text. */
    static final String BASE64_TYPE = "text/plain; charset=utf-8";

    /**
     * The image as raw bytes of its type, or with {@code encoding: "base64"} as its base64 text (what Puppeteer's
     * {@code page.screenshot({encoding: 'base64'})}, which Cloudflare's action runs, returns; the SDK's {@code create()}
     * then resolves to that string).
     */
    static QuickResult capture(IsolatedPage page, QuickActionRequest req, Duration timeout) {
        byte[] image = png(page, req.screenshotOptions(), req.selector(), Boolean.TRUE.equals(req.scrollPage()), timeout);
        if ("base64".equals(req.screenshotOptions().encoding())) {
            return QuickResult.binary(java.util.Base64.getEncoder().encode(image), BASE64_TYPE);
        }
        return QuickResult.binary(image, "image/" + req.screenshotOptions().type());
    }

    /**
     * A PNG the caller did not ask about is encoded for speed: the same pixels (a PNG is lossless; only the zlib
     * level and row filters change), a larger file, and measured to cut the browser's CPU per 1920x1080 screenshot
     * (BENCHMARKS.md §5w). A caller who sends {@code optimizeForSpeed: false} gets Chromium's smallest PNG. JPEG and
     * WebP are left alone: for them the option is not lossless.
     */
    static Boolean fastByDefault(String type) {
        return "png".equals(type) ? Boolean.TRUE : null;
    }

    /** The image bytes, in {@code options.type()}. */
    static byte[] png(IsolatedPage page, QuickActionRequest.ScreenshotOptions options, String selector, boolean scroll,
                      Duration timeout) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("format", options.type());
        if (options.quality() != null) {
            params.put("quality", options.quality());
        }
        if (options.fromSurface() != null) {
            params.put("fromSurface", options.fromSurface());
        }
        Boolean fast = options.optimizeForSpeed() != null ? options.optimizeForSpeed() : fastByDefault(options.type());
        if (fast != null) {
            params.put("optimizeForSpeed", fast);
        }
        if (Boolean.TRUE.equals(options.omitBackground())) {
            page.call("Emulation.setDefaultBackgroundColorOverride",
                    Map.of("color", Map.of("r", 0, "g", 0, "b", 0, "a", 0)), timeout);
        }
        if (scroll) {
            Js.evaluate(page, SCROLL, "scrollPage", timeout);
        }
        if (selector != null) {
            JsonNode box = Js.evaluate(page, "(" + ELEMENT_BOX + ")(" + Js.literal(selector) + ")", "selector", timeout);
            if (box.isNull() || box.isMissingNode()) {
                throw new AgentException("selector_not_found", 422, "selector '" + selector + "' matches no element");
            }
            if (box.path("width").asDouble() < 1 || box.path("height").asDouble() < 1) {
                throw new AgentException("selector_not_found", 422, "selector '" + selector + "' matches an element"
                        + " with an empty box");
            }
            params.put("captureBeyondViewport", true);
            params.put("clip", Map.of("x", box.path("x").asDouble(), "y", box.path("y").asDouble(), "scale", 1,
                    "width", box.path("width").asDouble(), "height", box.path("height").asDouble()));
        } else if (options.clip() != null) {
            PageOptions.Clip c = options.clip();
            params.put("clip", Map.of("x", c.x(), "y", c.y(), "width", c.width(), "height", c.height(),
                    "scale", c.scale()));
        } else if (Boolean.TRUE.equals(options.fullPage())) {
            JsonNode metrics = page.call("Page.getLayoutMetrics", null, timeout);
            JsonNode size = metrics.has("cssContentSize") ? metrics.get("cssContentSize") : metrics.path("contentSize");
            params.put("captureBeyondViewport", true);
            params.put("clip", Map.of("x", 0, "y", 0, "scale", 1,
                    "width", Math.ceil(size.path("width").asDouble()), "height", Math.ceil(size.path("height").asDouble())));
        }
        if (options.captureBeyondViewport() != null) {
            params.put("captureBeyondViewport", options.captureBeyondViewport());
        }
        return PageCapture.decode(page.call("Page.captureScreenshot", params, timeout));
    }
}
