package io.warmpool.agent.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warmpool.quick.QuickActionRequest;

import java.time.Duration;
import java.util.Map;

/**
 * Waits, inside the page, until {@code document.querySelector(selector)} finds an element (and, when
 * {@code visible}, one that is displayed with a non-empty box), within {@code waitForSelector.timeout}
 * milliseconds. A MutationObserver reacts at once; a 100 ms poll catches style-only changes.
 * Stateless.
 */
final class SelectorWaiter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WAIT_FUNCTION = """
            (sel, visible, hidden, timeoutMs) => new Promise((resolve, reject) => {
              const shown = () => {
                const el = document.querySelector(sel);
                if (!el) return false;
                if (!visible && !hidden) return true;
                if (!visible) return true;
                const style = getComputedStyle(el);
                const box = el.getBoundingClientRect();
                return style.visibility !== 'hidden' && style.display !== 'none' && box.width > 0 && box.height > 0;
              };
              const found = () => hidden ? !shown() : shown();
              try { if (found()) { resolve(true); return; } } catch (e) { reject(e); return; }
              let observer, poll, timer;
              const done = v => { observer.disconnect(); clearInterval(poll); clearTimeout(timer); resolve(v); };
              observer = new MutationObserver(() => { if (found()) done(true); });
              observer.observe(document, {childList: true, subtree: true, attributes: true, characterData: true});
              poll = setInterval(() => { if (found()) done(true); }, 100);
              timer = setTimeout(() => done(false), timeoutMs);
            })""";

    private SelectorWaiter() {
    }

    /**
     * @throws AgentException {@code action_timeout} (422) when it never appears, {@code invalid_field} (400)
     *                        for a selector the browser cannot parse
     */
    static void await(IsolatedPage page, QuickActionRequest.WaitForSelector wait) throws InterruptedException {
        Deadline deadline = Deadline.afterMillis(wait.timeout());
        while (true) {
            long leftMs = Math.max(1, deadline.remaining().toMillis());
            String expression = "(" + WAIT_FUNCTION + ")(" + literal(wait.selector()) + ", " + wait.visible() + ", " + Boolean.TRUE.equals(wait.hidden()) + ", "
                    + leftMs + ")";
            JsonNode result;
            try {
                // the in-page timer may be throttled in a background page: allow slack before giving up here
                result = page.call("Runtime.evaluate", Map.of("expression", expression, "awaitPromise", true,
                        "returnByValue", true), Duration.ofMillis(leftMs).plusSeconds(2));
            } catch (CdpException e) {
                if (e.kind() == CdpException.Kind.TIMEOUT) {
                    throw timeout(wait);
                }
                if (e.kind() == CdpException.Kind.ERROR && !deadline.passed()) {
                    Thread.sleep(50); // the page navigated and took the execution context with it: ask the new one
                    continue;
                }
                throw e;
            }
            JsonNode exception = result.path("exceptionDetails");
            if (!exception.isMissingNode()) {
                String description = exception.path("exception").path("description").asText(exception.path("text").asText());
                throw new AgentException("invalid_field", 400, "waitForSelector.selector '" + wait.selector()
                        + "' failed in the page: " + description.lines().findFirst().orElse("")); // no JS stack
            }
            if (result.path("result").path("value").asBoolean(false)) {
                return;
            }
            throw timeout(wait);
        }
    }

    private static AgentException timeout(QuickActionRequest.WaitForSelector wait) {
        return new AgentException("action_timeout", 422, "waitForSelector '" + wait.selector() + "'"
                + (wait.visible() ? " (visible)" : Boolean.TRUE.equals(wait.hidden()) ? " (hidden)" : "") + " did not appear within " + wait.timeout()
                + " ms (waitForSelector.timeout)");
    }

    private static String literal(String value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
