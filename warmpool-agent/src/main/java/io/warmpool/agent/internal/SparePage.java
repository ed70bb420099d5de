package io.warmpool.agent.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    private volatile CompletableFuture<Void> prepared = CompletableFuture.completedFuture(null);

    SparePage(BrowserInstance instance) {
        this.instance = instance;
    }

    /**
     * The spare page if there is one; else the one being prepared, if any (rather than preparing a second
     * one beside it on a busy machine); else a new one.
     */
    IsolatedPage take(Deadline deadline) {
        IsolatedPage page = spare.getAndSet(null);
        CompletableFuture<Void> preparing = prepared;
        if (page == null && !preparing.isDone()) {
            try {
                preparing.get(deadline.remaining(REFILL_TIMEOUT).toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // open one below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CdpException(CdpException.Kind.CLOSED, "interrupted while waiting for a page");
            }
            page = spare.getAndSet(null);
        }
        return page != null ? page : IsolatedPage.open(instance, deadline);
    }

    /**
     * Disposes a used page's context and then (if {@code prepareNext}) prepares the next spare, both on a
     * virtual thread after the action has answered, so that neither competes with the action for the browser.
     * With {@code checkBrowser} (the action timed out), the browser must first answer a probe within
     * {@link BrowserProbe#TIMEOUT}, else it is declared dead.
     */
    void release(IsolatedPage used, boolean prepareNext, boolean checkBrowser) {
        long gen = generation.get();
        Thread.ofVirtual().name("release-" + instance.id()).start(() -> {
            if (checkBrowser && !BrowserProbe.answersOrDies(instance)) {
                used.close();
                return;
            }
            boolean refill = prepareNext && spare.get() == null && instance.alive() && refilling.compareAndSet(false, true);
            CompletableFuture<Void> done = new CompletableFuture<>();
            if (refill) {
                prepared = done; // from now on a taker waits for this page instead of opening its own
            }
            used.close();
            if (!refill) {
                return;
            }
            try {
                IsolatedPage page = IsolatedPage.open(instance, Deadline.after(REFILL_TIMEOUT));
                if (generation.get() != gen || !spare.compareAndSet(null, page)) {
                    page.close();
                }
            } catch (RuntimeException e) {
                log.debug("{} - preparing a spare page failed: {}", instance.id(), e.getMessage());
            } finally {
                refilling.set(false);
                done.complete(null);
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
