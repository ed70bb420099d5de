package io.warmpool.agent.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.quick.QuickActionRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One blank page in a fresh, isolated browser context of a browser, attached through a flattened CDP
 * session with the Page domain and lifecycle events enabled. The context sends all its traffic through an
 * {@link EgressProxy} of its own, so that what it was refused is known per quick action. Closing disposes
 * the whole context (and with it the page and its renderer), then stops that proxy. Not thread-safe: one
 * quick action uses it from one thread.
 */
final class IsolatedPage implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IsolatedPage.class);
    private static final Duration DISPOSE_TIMEOUT = Duration.ofSeconds(5);

    private final BrowserInstance instance;
    private final String contextId;
    private final EgressProxy egress;
    private String sessionId;
    private QuickActionRequest.Viewport viewport;

    private IsolatedPage(BrowserInstance instance, String contextId, EgressProxy egress) {
        this.instance = instance;
        this.contextId = contextId;
        this.egress = egress;
    }

    /** Creates the context and a blank page in it of {@code viewport}'s size, ready to navigate. */
    static IsolatedPage open(BrowserInstance instance, Deadline deadline, QuickActionRequest.Viewport viewport) {
        CdpConnection cdp = instance.cdp();
        EgressProxy egress = EgressProxy.start(instance.id() + "-quick", instance.egress().policy(),
                instance.egress().connections());
        String contextId;
        try {
            // disposeOnDetach: should the agent's connection drop, the browser disposes the context itself
            contextId = cdp.call("Target.createBrowserContext", Map.of("disposeOnDetach", true,
                    "proxyServer", egress.proxyServer(), "proxyBypassList", "<-loopback>"), null,
                    deadline.remaining(BrowserInstance.CALL_TIMEOUT)).path("browserContextId").asText();
        } catch (RuntimeException e) {
            egress.close();
            throw e;
        }
        IsolatedPage page = new IsolatedPage(instance, contextId, egress);
        instance.quickContexts().add(contextId);
        try {
            String targetId = cdp.call("Target.createTarget", Map.of("url", "about:blank", "browserContextId", contextId),
                    null, deadline.remaining(BrowserInstance.CALL_TIMEOUT)).path("targetId").asText();
            page.sessionId = cdp.call("Target.attachToTarget", Map.of("targetId", targetId, "flatten", true),
                    null, deadline.remaining(BrowserInstance.CALL_TIMEOUT)).path("sessionId").asText();
            page.call("Page.enable", null, deadline.remaining(BrowserInstance.CALL_TIMEOUT));
            page.call("Page.setLifecycleEventsEnabled", Map.of("enabled", true),
                    deadline.remaining(BrowserInstance.CALL_TIMEOUT));
            page.setViewport(viewport, deadline);
            return page;
        } catch (RuntimeException e) {
            page.close();
            throw e;
        }
    }

    /** Emulates {@code viewport} (CSS pixels and device scale factor), unless it already does; see {@link PageSetup}. */
    void setViewport(QuickActionRequest.Viewport wanted, Deadline deadline) {
        if (sameSize(wanted, viewport)) {
            return;
        }
        call("Emulation.setDeviceMetricsOverride", Map.of("width", wanted.width(), "height", wanted.height(),
                "deviceScaleFactor", wanted.deviceScaleFactor(), "mobile", false),
                deadline.remaining(BrowserInstance.CALL_TIMEOUT));
        viewport = wanted;
    }

    private static boolean sameSize(QuickActionRequest.Viewport a, QuickActionRequest.Viewport b) {
        return b != null && a.width().equals(b.width()) && a.height().equals(b.height())
                && a.deviceScaleFactor().equals(b.deviceScaleFactor());
    }

    /** Sends {@code method} to the page's session and waits up to {@code timeout}. */
    JsonNode call(String method, Object params, Duration timeout) {
        return instance.cdp().call(method, params, sessionId, timeout);
    }

    CdpConnection.Subscription subscribe(Consumer<CdpEvent> listener) {
        return instance.cdp().subscribe(sessionId, listener);
    }

    /** What this page's context was refused so far. */
    EgressLog denials() {
        return egress.denials();
    }

    BrowserInstance instance() {
        return instance;
    }

    boolean browserAlive() {
        return instance.cdp().isOpen();
    }

    /** Disposes the context, waiting up to 5 s. Idempotent; never throws. */
    @Override
    public void close() {
        try {
            if (instance.cdp().isOpen() && instance.quickContexts().contains(contextId)) {
                instance.cdp().call("Target.disposeBrowserContext", Map.of("browserContextId", contextId), null,
                        DISPOSE_TIMEOUT);
            }
        } catch (CdpException e) {
            log.debug("{} - disposing context {} failed: {}", instance.id(), contextId, e.getMessage());
        } finally {
            instance.quickContexts().remove(contextId);
            egress.close();
        }
    }
}
