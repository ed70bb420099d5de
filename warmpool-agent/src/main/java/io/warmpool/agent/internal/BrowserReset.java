package io.warmpool.agent.internal;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Returns a browser to a clean state after a session: disposes every non-default browser context (except
 * those of quick actions in flight) and the spare quick-action page, opens one {@code about:blank} page, closes every other page,
 * clears the default context's cookies and permission overrides, and then prepares a new spare page. Stateless and thread-safe, but two
 * resets of one browser at once would each leave their own blank page.
 */
public final class BrowserReset {
    private static final Logger log = LoggerFactory.getLogger(BrowserReset.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final String region;

    public BrowserReset(String region) {
        this.region = region;
    }

    /** @throws AgentException {@code instance_dead} (410) or {@code reset_failed} (502) */
    public void reset(BrowserInstance instance) {
        CdpConnection cdp = instance.cdp();
        try {
            instance.spare().discard();
            for (JsonNode id : call(cdp, "Target.getBrowserContexts", null).path("browserContextIds")) {
                if (!instance.quickContexts().contains(id.asText())) {
                    call(cdp, "Target.disposeBrowserContext", Map.of("browserContextId", id.asText()));
                }
            }
            String keep = call(cdp, "Target.createTarget", Map.of("url", "about:blank")).path("targetId").asText();
            Set<String> closing = otherPages(instance, keep);
            closing.forEach(targetId -> closeTarget(cdp, targetId));
            // Target.closeTarget answers before the page is gone: wait until it is, so the caller sees one page
            Deadline deadline = Deadline.after(CLOSE_TIMEOUT);
            while (!closing.isEmpty()) {
                closing.retainAll(otherPages(instance, keep));
                if (!closing.isEmpty() && deadline.passed()) {
                    throw new CdpException(CdpException.Kind.TIMEOUT, closing.size() + " pages did not close within "
                            + CLOSE_TIMEOUT.toMillis() + " ms");
                }
                if (!closing.isEmpty()) {
                    Thread.sleep(10);
                }
            }
            call(cdp, "Storage.clearCookies", null);
            call(cdp, "Browser.resetPermissions", null);
            instance.countUse();
            instance.spare().prepareAhead(); // the next quick action on this browser finds a page ready
            log.debug("{}/{} - reset {}", instance.pool(), region, instance.id());
        } catch (CdpException e) {
            if (e.kind() == CdpException.Kind.CLOSED || !cdp.isOpen()) {
                throw new AgentException("instance_dead", 410, "instance '" + instance.id() + "' is dead: " + e.getMessage());
            }
            log.warn("{}/{} - reset of {} failed: {}", instance.pool(), region, instance.id(), e.getMessage());
            throw new AgentException("reset_failed", 502, "reset of '" + instance.id() + "' failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException("reset_failed", 502, "reset of '" + instance.id() + "' was interrupted");
        }
    }

    /** Page targets other than {@code keep}, outside the contexts of quick actions in flight. */
    private static Set<String> otherPages(BrowserInstance instance, String keep) {
        Set<String> pages = new HashSet<>();
        for (JsonNode target : call(instance.cdp(), "Target.getTargets", null).path("targetInfos")) {
            String targetId = target.path("targetId").asText();
            if (target.path("type").asText().equals("page") && !targetId.equals(keep)
                    && !instance.quickContexts().contains(target.path("browserContextId").asText(""))) {
                pages.add(targetId);
            }
        }
        return pages;
    }

    private static void closeTarget(CdpConnection cdp, String targetId) {
        try {
            call(cdp, "Target.closeTarget", Map.of("targetId", targetId));
        } catch (CdpException e) {
            if (e.kind() != CdpException.Kind.ERROR) {
                throw e;
            }
            log.debug("target {} was already gone: {}", targetId, e.getMessage()); // closed by itself meanwhile
        }
    }

    private static JsonNode call(CdpConnection cdp, String method, Object params) {
        return cdp.call(method, params, null, BrowserInstance.CALL_TIMEOUT);
    }
}
