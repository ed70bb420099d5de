package io.warmpool.agent.internal;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One page in a fresh, isolated browser context of a browser, driven through a flattened CDP session.
 * Closing disposes the whole context (and with it the page), whatever happened before.
 * Not thread-safe: one quick action uses it from one thread.
 */
final class IsolatedPage implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IsolatedPage.class);
    private static final Duration DISPOSE_TIMEOUT = Duration.ofSeconds(5);

    private final BrowserInstance instance;
    private final String contextId;
    private String sessionId;

    private IsolatedPage(BrowserInstance instance, String contextId) {
        this.instance = instance;
        this.contextId = contextId;
    }

    /** Creates the context, a blank page in it and a session attached to that page. */
    static IsolatedPage open(BrowserInstance instance, Deadline deadline) {
        CdpConnection cdp = instance.cdp();
        // disposeOnDetach: should the agent's connection drop, the browser disposes the context itself
        String contextId = cdp.call("Target.createBrowserContext", Map.of("disposeOnDetach", true), null,
                deadline.remaining(BrowserInstance.CALL_TIMEOUT)).path("browserContextId").asText();
        IsolatedPage page = new IsolatedPage(instance, contextId);
        instance.quickContexts().add(contextId);
        try {
            String targetId = cdp.call("Target.createTarget", Map.of("url", "about:blank", "browserContextId", contextId),
                    null, deadline.remaining(BrowserInstance.CALL_TIMEOUT)).path("targetId").asText();
            page.sessionId = cdp.call("Target.attachToTarget", Map.of("targetId", targetId, "flatten", true),
                    null, deadline.remaining(BrowserInstance.CALL_TIMEOUT)).path("sessionId").asText();
            return page;
        } catch (RuntimeException e) {
            page.close();
            throw e;
        }
    }

    /** Sends {@code method} to the page's session and waits up to {@code timeout}. */
    JsonNode call(String method, Object params, Duration timeout) {
        return instance.cdp().call(method, params, sessionId, timeout);
    }

    CdpConnection.Subscription subscribe(Consumer<CdpEvent> listener) {
        return instance.cdp().subscribe(sessionId, listener);
    }

    boolean browserAlive() {
        return instance.cdp().isOpen();
    }

    @Override
    public void close() {
        try {
            if (instance.cdp().isOpen()) {
                instance.cdp().call("Target.disposeBrowserContext", Map.of("browserContextId", contextId), null,
                        DISPOSE_TIMEOUT);
            }
        } catch (CdpException e) {
            log.debug("{} - disposing context {} failed: {}", instance.id(), contextId, e.getMessage());
        } finally {
            instance.quickContexts().remove(contextId);
        }
    }
}
