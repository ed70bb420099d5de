package io.warmpool.agent.internal;

import io.warmpool.quick.QuickAction;
import io.warmpool.quick.QuickActionRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Runs one quick action next to a browser, in a fresh browser context that is always disposed:
 * take a blank page (prepared ahead by {@link SparePage} when enabled), set the viewport, load, wait for the selector,
 * capture, then dispose of the context in the background. Thread-safe and stateless: many
 * actions may run on one browser at once, each in its own context. The whole action is bounded by
 * {@link QuickActionRequest#budgetMillis()}.
 */
public final class QuickActionRunner {
    private static final Logger log = LoggerFactory.getLogger(QuickActionRunner.class);
    private static final Duration CAPTURE_TIMEOUT = Duration.ofSeconds(30);

    private final String region;

    public QuickActionRunner(String region) {
        this.region = region;
    }

    /**
     * @throws io.warmpool.InvalidRequestException for an invalid request (400)
     * @throws AgentException {@code navigation_failed} / {@code action_timeout} (422), {@code instance_dead} (410),
     *                        {@code instance_busy} (429), {@code browser_unresponsive} / {@code browser_error} (502)
     */
    public QuickResult run(BrowserInstance instance, QuickAction action, QuickActionRequest request) {
        QuickActionRequest req = request.validated(action, io.warmpool.quick.PageDefaults.AGENT);
        Deadline budget = Deadline.afterMillis(req.budgetMillis());
        if (!instance.quickSlots().tryAcquire()) {
            throw new AgentException("instance_busy", 429, "instance '" + instance.id() + "' is already running "
                    + instance.maxQuickActions() + " quick actions (" + BrowserInstance.QUICK_ACTIONS_PER_CORE
                    + " per core)");
        }
        instance.countUse();
        IsolatedPage page = null;
        PageSetup setup = null;
        boolean timedOut = false;
        try {
            if (req.url() != null) {
                NavigationGuard.preCheck(instance.egress().policy(), req.url());
            }
            instance.spare().expect(req.viewport()); // the next spare is made at this size
            page = instance.spare().take(budget);
            page.setViewport(req.viewport(), budget);
            setup = PageSetup.before(page, req, budget);
            try {
                PageLoader.load(page, req);
            } catch (AgentException e) {
                if (!tolerated(req, e)) {
                    throw e.code().equals("navigation_failed") ? NavigationGuard.failedNavigation(page, req.url(), e) : e;
                }
            }
            NavigationGuard.checkLoaded(page, req.url());
            if (req.waitForSelector() != null) {
                try {
                    SelectorWaiter.await(page, req.waitForSelector());
                } catch (AgentException e) {
                    if (!tolerated(req, e)) {
                        throw e;
                    }
                }
            }
            PageSetup.after(page, req, budget);
            Duration capture = req.actionTimeout() == null ? CAPTURE_TIMEOUT : Duration.ofMillis(req.actionTimeout());
            return PageCapture.capture(page, action, req, budget.remaining(capture)).withBlocked(page.denials());
        } catch (CdpException e) {
            timedOut = e.kind() == CdpException.Kind.TIMEOUT;
            throw translate(instance, action, e);
        } catch (AgentException e) {
            timedOut = e.code().equals("action_timeout");
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException("browser_error", 502, "interrupted");
        } finally {
            if (setup != null) {
                setup.close();
            }
            if (page != null) {
                // disposed right after the answer, off the request path; after a timeout the page may be hung
                // (disposing kills its renderer) or the browser may be: then it is declared dead
                instance.spare().release(page, timedOut);
            }
            instance.quickSlots().release();
        }
    }

    /** With {@code bestAttempt}, a wait that ran out is not an error: the page is captured as it is. */
    private static boolean tolerated(QuickActionRequest req, AgentException e) {
        return req.tolerant() && e.code().equals("action_timeout");
    }

    private AgentException translate(BrowserInstance instance, QuickAction action, CdpException e) {
        if (e.kind() == CdpException.Kind.CLOSED || !instance.cdp().isOpen()) {
            return new AgentException("instance_dead", 410, "instance '" + instance.id() + "' died during "
                    + action.path() + ": " + e.getMessage());
        }
        if (e.kind() == CdpException.Kind.TIMEOUT && BrowserProbe.answers(instance)) {
            // the browser answers, the page does not: a script that never yields is the page's fault
            return new AgentException("action_timeout", 422, "the page did not answer in time (" + e.getMessage()
                    + "); a script may be stuck in a loop");
        }
        log.warn("{}/{} - {} on {} failed: {}", instance.pool(), region, action.path(), instance.id(), e.getMessage());
        if (e.kind() == CdpException.Kind.TIMEOUT) {
            BrowserProbe.answersOrDies(instance); // it did not answer just now: a hung browser is reported dead
            return new AgentException("browser_unresponsive", 502, e.getMessage());
        }
        return new AgentException("browser_error", 502, e.getMessage());
    }
}
