package io.warmpool.agent.internal;

import io.warmpool.BrowserKind;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One started browser: its process, its browser-level CDP connection and its counters. It is dead once
 * its CDP socket closes or its Chromium main process exits; {@link #watch} reports that exactly once,
 * unless the agent itself stopped it. Thread-safe.
 */
public final class BrowserInstance {
    /** Default bound for one CDP call that is not part of a caller's own wait. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    /** Quick actions one browser runs at once; more are refused with 429 rather than queued. */
    public static final int MAX_QUICK_ACTIONS = 16;
    /** Connections one browser's pages may hold open through its egress proxies at once. */
    public static final int MAX_EGRESS_CONNECTIONS = 256;

    /**
     * The browser's egress guard: its policy, the browser-wide proxy (its {@code --proxy-server}) and the
     * connection bound that the browser-wide proxy and every quick action's own proxy share.
     */
    public record Egress(AddressPolicy policy, EgressProxy proxy, Semaphore connections) {
    }

    private final String id;
    private final String pool;
    private final String version;
    private final BrowserKind browser;
    private final ChromiumProcess process;
    private final CdpConnection cdp;
    private final long startMillis;
    private final AtomicInteger uses = new AtomicInteger();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicBoolean dead = new AtomicBoolean();
    private final Set<String> quickContexts = ConcurrentHashMap.newKeySet();
    private final SparePage spare = new SparePage(this);
    private final Semaphore quickSlots = new Semaphore(MAX_QUICK_ACTIONS);
    private final Egress egress;
    private volatile Runnable died = () -> { };

    public BrowserInstance(String id, String pool, String version, BrowserKind browser, ChromiumProcess process,
                           CdpConnection cdp, long startMillis, Egress egress) {
        this.browser = browser;
        this.egress = egress;
        this.id = id;
        this.pool = pool;
        this.version = version;
        this.process = process;
        this.cdp = cdp;
        this.startMillis = startMillis;
    }

    /**
     * Calls {@code onDeath} once, on the thread that notices (socket or process watcher; it must not block),
     * if the browser dies without {@link #stop}.
     */
    public void watch(Consumer<BrowserInstance> onDeath) {
        Runnable died = () -> {
            if (!stopping.get() && dead.compareAndSet(false, true)) {
                onDeath.accept(this);
            }
        };
        this.died = died;
        cdp.closedFuture().whenComplete((reason, e) -> died.run());
        process.onExit().whenComplete((p, e) -> died.run());
    }

    /**
     * Declares the browser dead although its process and socket are still there (it stopped answering):
     * it is reported like a crash, at once, and then stopped by the death listener.
     */
    void markDead() {
        died.run();
    }

    /** Closes the connection, kills the process group, deletes the profile and stops its egress proxy. Idempotent. */
    public void stop() {
        if (stopping.compareAndSet(false, true)) {
            cdp.close();
            process.stop();
            egress.proxy().close();
        }
    }

    public boolean alive() {
        return !dead.get() && !stopping.get() && cdp.isOpen();
    }

    public String id() {
        return id;
    }

    public String pool() {
        return pool;
    }

    public String version() {
        return version;
    }

    /** Which binary this browser is. */
    public BrowserKind browser() {
        return browser;
    }

    public long pid() {
        return process.pid();
    }

    public String cdpUrl() {
        return process.cdpUrl().toString();
    }

    /** Milliseconds from launch to a CDP endpoint that answers. */
    public long startMillis() {
        return startMillis;
    }

    public CdpConnection cdp() {
        return cdp;
    }

    /** Sessions and quick actions served. */
    public int uses() {
        return uses.get();
    }

    void countUse() {
        uses.incrementAndGet();
    }

    /** Browser contexts of quick actions in flight; a reset leaves them alone. */
    Set<String> quickContexts() {
        return quickContexts;
    }

    Semaphore quickSlots() {
        return quickSlots;
    }

    Egress egress() {
        return egress;
    }

    SparePage spare() {
        return spare;
    }

    ChromiumProcess process() {
        return process;
    }
}
