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
 * action on a browser creates its own page and starts the refill; a browser that never runs one has
 * no spare. A spare is never used twice. Thread-safe.
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

    /** The spare page if there is one, else a new one; starts a refill either way. */
    IsolatedPage take(Deadline deadline) {
        IsolatedPage page = spare.getAndSet(null);
        if (page == null) {
            page = IsolatedPage.open(instance, deadline);
        }
        refill();
        return page;
    }

    /** Disposes the spare and any refill in flight (after a reset, a session must not see it). */
    void discard() {
        generation.incrementAndGet();
        IsolatedPage page = spare.getAndSet(null);
        if (page != null) {
            page.close();
        }
    }

    private void refill() {
        if (!refilling.compareAndSet(false, true)) {
            return;
        }
        long gen = generation.get();
        Thread.ofVirtual().name("spare-" + instance.id()).start(() -> {
            try {
                if (!instance.alive()) {
                    return;
                }
                IsolatedPage page = IsolatedPage.open(instance, Deadline.after(REFILL_TIMEOUT));
                if (generation.get() != gen || !spare.compareAndSet(null, page)) {
                    page.close();
                }
            } catch (RuntimeException e) {
                log.debug("{} - preparing a spare page failed: {}", instance.id(), e.getMessage());
            } finally {
                refilling.set(false);
            }
        });
    }
}
