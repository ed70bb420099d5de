package io.warmpool.agent.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.quick.QuickActionRequest;

import java.util.Map;

/**
 * Loads a quick action's {@code url} or {@code html} into an {@link IsolatedPage} and waits for its
 * {@code gotoOptions.waitUntil} lifecycle event, all within {@code gotoOptions.timeout} (milliseconds).
 * Stateless; each call is confined to its caller's thread.
 */
final class PageLoader {
    private PageLoader() {
    }

    /**
     * @throws AgentException {@code navigation_failed} (422) with Chromium's error text, or
     *                        {@code action_timeout} (422) naming the wait that did not finish
     */
    static void load(IsolatedPage page, QuickActionRequest request) throws InterruptedException {
        QuickActionRequest.GotoOptions go = request.gotoOptions();
        Deadline deadline = Deadline.afterMillis(go.timeout());
        String event = lifecycleEvent(go.waitUntil());
        LifecycleWatcher watcher = new LifecycleWatcher();
        CdpConnection.Subscription subscription = page.subscribe(watcher);
        try {
            String frameId;
            String loaderId;
            int from;
            if (request.url() != null) {
                from = watcher.mark();
                JsonNode nav;
                try {
                    nav = page.call("Page.navigate", navigateParams(request), deadline.remaining());
                } catch (CdpException e) {
                    if (e.kind() == CdpException.Kind.TIMEOUT) {
                        throw timeout(go, "navigation to " + request.url());
                    }
                    throw e;
                }
                String errorText = nav.path("errorText").asText("");
                if (!errorText.isEmpty()) {
                    throw new AgentException("navigation_failed", 422,
                            "navigation to " + request.url() + " failed: " + errorText);
                }
                frameId = nav.path("frameId").asText();
                loaderId = nav.path("loaderId").asText(null);
            } else {
                // the page is at about:blank; its document is replaced in place, keeping its loader id
                frameId = page.call("Page.getFrameTree", null, BrowserInstance.CALL_TIMEOUT)
                        .path("frameTree").path("frame").path("id").asText();
                from = watcher.mark();
                page.call("Page.setDocumentContent", Map.of("frameId", frameId, "html", request.html()),
                        deadline.remaining());
                loaderId = null;
            }
            if (!watcher.await(from, frameId, loaderId, event, deadline, page::browserAlive)) {
                if (!page.browserAlive()) {
                    throw new CdpException(CdpException.Kind.CLOSED, "the browser went away during navigation");
                }
                throw timeout(go, "waitUntil '" + go.waitUntil() + "'");
            }
        } finally {
            subscription.close();
        }
    }

    private static Map<String, Object> navigateParams(QuickActionRequest request) {
        Map<String, Object> params = new java.util.LinkedHashMap<>();
        params.put("url", request.url());
        if (request.gotoOptions().referer() != null) {
            params.put("referrer", request.gotoOptions().referer());
        }
        if (request.gotoOptions().referrerPolicy() != null) {
            params.put("referrerPolicy", request.gotoOptions().referrerPolicy());
        }
        return params;
    }

    private static String lifecycleEvent(String waitUntil) {
        return switch (waitUntil) {
            case "domcontentloaded" -> "DOMContentLoaded";
            case "networkidle0" -> "networkIdle";
            case "networkidle2" -> "networkAlmostIdle";
            default -> "load";
        };
    }

    private static AgentException timeout(QuickActionRequest.GotoOptions go, String what) {
        return new AgentException("action_timeout", 422,
                what + " did not finish within " + go.timeout() + " ms (gotoOptions.timeout)");
    }
}
