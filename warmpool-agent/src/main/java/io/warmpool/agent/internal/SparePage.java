package io.warmpool.agent.internal;

import io.warmpool.quick.QuickActionRequest;
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
 * context, its renderer and the session happens off the request path: one is prepared as soon as the browser
 * is up ({@link #prepareAhead}), after each quick action has answered, and after each reset (a session's end).
 * At most one is being prepared per browser at a time, and never while the action it follows still runs, so
 * preparing competes with requests for the CPU as little as it can. A page is never used twice. When spares are
 * disabled, every action opens its own page. Thread-safe.
 */
final class SparePage {
    private static final Logger log = LoggerFactory.getLogger(SparePage.class);
    private static final Duration REFILL_TIMEOUT = Duration.ofSeconds(10);

    private final BrowserInstance instance;
    private final boolean enabled;
    private final AtomicReference<IsolatedPage> spare = new AtomicReference<>();
    private final AtomicBoolean refilling = new AtomicBoolean();
    private final AtomicLong generation = new AtomicLong();
    private volatile CompletableFuture<Void> prepared = CompletableFuture.completedFuture(null);
    /** The size the next spare is made at: the last action's, so that a caller who keeps one size never resizes. */
    private volatile QuickActionRequest.Viewport viewport = QuickActionRequest.Viewport.DEFAULT;

    SparePage(BrowserInstance instance, boolean enabled) {
        this.instance = instance;
        this.enabled = enabled;
    }

    /** Prepares a spare in the background, unless there is one, one is being prepared, or spares are off. */
    void prepareAhead() {
        if (!enabled || !instance.alive() || spare.get() != null || !refilling.compareAndSet(false, true)) {
            return;
        }
        long gen = generation.get();
        CompletableFuture<Void> done = new CompletableFuture<>();
        prepared = done;
        Thread.ofVirtual().name("spare-" + instance.id()).start(() -> refill(gen, done));
    }

    /**
     * The next spares are made at {@code wanted}'s size: a page drawn at one size and resized to another in the
     * request costs two layouts and two frames (measured: a 1920x1080 spare asked for 1280x720 used as much CPU as a
     * 1920x1080 screenshot). Device emulation beyond the size (mobile, touch, orientation) stays per request.
     */
    void expect(QuickActionRequest.Viewport wanted) {
        viewport = new QuickActionRequest.Viewport(wanted.width(), wanted.height(), wanted.deviceScaleFactor());
    }

    /** A spare is ready now (for tests and diagnostics). */
    boolean ready() {
        return spare.get() != null;
    }

    /**
     * The spare page if there is one; else the one being prepared, if any (rather than preparing a second
     * one beside it on a busy machine); else a new one.
     */
    IsolatedPage take(Deadline deadline) {
        if (!enabled) {
            return IsolatedPage.open(instance, deadline, viewport);
        }
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
        return page != null ? page : IsolatedPage.open(instance, deadline, viewport);
    }

    /**
     * Disposes a used page's context and then prepares the next spare (when spares are on), both on a
     * virtual thread after the action has answered, so that neither competes with the action for the browser.
     * With {@code checkBrowser} (the action timed out), the browser must first answer a probe within
     * {@link BrowserProbe#TIMEOUT}, else it is declared dead.
     */
    void release(IsolatedPage used, boolean checkBrowser) {
        long gen = generation.get();
        Thread.ofVirtual().name("release-" + instance.id()).start(() -> {
            if (checkBrowser && !BrowserProbe.answersOrDies(instance)) {
                used.close();
                return;
            }
            boolean refill = enabled && spare.get() == null && instance.alive() && refilling.compareAndSet(false, true);
            CompletableFuture<Void> done = new CompletableFuture<>();
            if (refill) {
                prepared = done; // from now on a taker waits for this page instead of opening its own
            }
            used.close();
            if (refill) {
                refill(gen, done);
            }
        });
    }

    /**
     * Opens the next spare (on the caller's thread). When a reset discarded spares meanwhile, the page is closed and
     * a fresh one prepared (the reset's own {@link #prepareAhead} found this one in progress). Never throws.
     */
    private void refill(long gen, CompletableFuture<Void> done) {
        boolean stale = false;
        try {
            IsolatedPage page = IsolatedPage.open(instance, Deadline.after(REFILL_TIMEOUT), viewport);
            stale = generation.get() != gen;
            if (stale || !spare.compareAndSet(null, page)) {
                page.close();
            }
        } catch (RuntimeException e) {
            stale = generation.get() != gen;
            log.debug("{} - preparing a spare page failed: {}", instance.id(), e.getMessage());
        } finally {
            refilling.set(false);
            done.complete(null);
        }
        if (stale) {
            prepareAhead(); // a no-op once the browser is stopping
        }
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
