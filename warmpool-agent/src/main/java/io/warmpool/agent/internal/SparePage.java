package io.warmpool.agent.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Keeps one {@link IsolatedPage} of a browser ready for its next quick action, so that creating the
 * context, its renderer and the session (about 150 ms) happens off the request path. The first quick
 * action on a browser creates its own page; a browser that never runs one has no spare. A page is never
 * used twice. Thread-safe.
 */
final class SparePage {
    private static final Logger log = LoggerFactory.getLogger(SparePage.class);
    private static final Duration REFILL_TIMEOUT = Duration.ofSeconds(10);

    private final BrowserInstance instance;
    private final AtomicReference<IsolatedPage> spare = new AtomicReference<>();
    private final AtomicBoolean refilling = new AtomicBoolean();
    private final AtomicLong generation = new AtomicLong();

    SparePage(BrowserInstance instance) {
        this.instance = instance;
    }

    /** The spare page if there is one, else a new one. */
    IsolatedPage take(Deadline deadline) {
        IsolatedPage page = spare.getAndSet(null);
        return page != null ? page : IsolatedPage.open(instance, deadline);
    }

    /**
     * Disposes a used page's context and then prepares the next spare, both on a virtual thread after
     * the action has answered, so that neither competes with the action for the browser.
     */
    void release(IsolatedPage used) {
        long gen = generation.get();
        Thread.ofVirtual().name("release-" + instance.id()).start(() -> {
            used.close();
            if (spare.get() == null && instance.alive() && refilling.compareAndSet(false, true)) {
                try {
                    IsolatedPage page = IsolatedPage.open(instance, Deadline.after(REFILL_TIMEOUT));
                    if (generation.get() != gen || !spare.compareAndSet(null, page)) {
                        page.close();
                    }
                } catch (RuntimeException e) {
                    log.debug("{} - preparing a spare page failed: {}", instance.id(), e.getMessage());
                } finally {
                    refilling.set(false);
                }
            }
        });
    }

    /** Disposes the spare, and any being prepared (after a reset, a session must not see it). */
    void discard() {
        generation.incrementAndGet();
        IsolatedPage page = spare.getAndSet(null);
        if (page != null) {
            page.close();
        }
    }
}
