package io.warmpool.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A screenshot taken step by step over CDP from a remote client, the way a client library does it on a browser
 * endpoint: {@code Target.createTarget} about:blank, {@code Target.attachToTarget} (flatten), {@code Page.enable},
 * {@code Page.navigate}, wait for {@code Page.loadEventFired}, {@code Page.captureScreenshot},
 * {@code Target.closeTarget}. Six round trips plus the load, each paying the client's RTT. Stateless.
 */
final class CdpScreenshot {
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

    private CdpScreenshot() {
    }

    /** @return the PNG */
    static byte[] capture(CdpClient cdp, String url) throws IOException {
        String targetId = cdp.call("Target.createTarget", Map.of("url", "about:blank"), null, STEP_TIMEOUT)
                .path("targetId").asText();
        byte[] png;
        try {
            String session = cdp.call("Target.attachToTarget", Map.of("targetId", targetId, "flatten", true), null,
                    STEP_TIMEOUT).path("sessionId").asText();
            cdp.call("Page.enable", null, session, STEP_TIMEOUT);
            CompletableFuture<JsonNode> loaded = cdp.nextEvent("Page.loadEventFired", session);
            JsonNode nav = cdp.call("Page.navigate", Map.of("url", url), session, STEP_TIMEOUT);
            if (!nav.path("errorText").asText("").isEmpty()) {
                throw new IOException("navigation to " + url + " failed: " + nav.get("errorText").asText());
            }
            CdpClient.await(loaded, STEP_TIMEOUT, "Page.loadEventFired");
            String data = cdp.call("Page.captureScreenshot", Map.of("format", "png"), session, STEP_TIMEOUT)
                    .path("data").asText();
            png = Base64.getDecoder().decode(data);
        } catch (IOException | RuntimeException e) {
            try {
                cdp.call("Target.closeTarget", Map.of("targetId", targetId), null, STEP_TIMEOUT);
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        cdp.call("Target.closeTarget", Map.of("targetId", targetId), null, STEP_TIMEOUT);
        return png;
    }
}
