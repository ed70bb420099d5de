package io.warmpool.agent.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warmpool.quick.QuickActionRequest;

import java.time.Duration;
import java.util.Base64;

/**
 * Cloudflare's snapshot: {@code {content, screenshot (base64)}} by default, or exactly the {@code formats} asked
 * for, among {@code content}, {@code screenshot}, {@code markdown} and {@code accessibilityTree}. Stateless.
 */
final class SnapshotCapture {
    private SnapshotCapture() {
    }

    static JsonNode snapshot(IsolatedPage page, QuickActionRequest req, Duration timeout) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        String html = null;
        for (String format : req.formats()) {
            switch (format) {
                case "content" -> out.put("content", html = html == null ? PageCapture.html(page, timeout) : html);
                case "markdown" -> {
                    html = html == null ? PageCapture.html(page, timeout) : html;
                    out.put("markdown", MarkdownCapture.markdown(html));
                }
                case "screenshot" -> out.put("screenshot", Base64.getEncoder().encodeToString(
                        ScreenshotCapture.png(page, req.screenshotOptions(), null, false, timeout)));
                case "accessibilityTree" -> out.set("accessibilityTree", AccessibilityTree.of(page, timeout));
                default -> throw new AgentException("invalid_field", 400, "unknown snapshot format '" + format + "'");
            }
        }
        return out;
    }
}
