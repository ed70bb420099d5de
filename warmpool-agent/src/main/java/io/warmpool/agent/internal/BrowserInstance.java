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
    /**
     * Quick actions one browser runs at once, per core of the machine; more are refused with 429 rather than
     * queued. A quick action is CPU-bound in the browser: beyond two per core they only wait for each other.
     */
    public static final int QUICK_ACTIONS_PER_CORE = 2;
    /** Connections one browser's pages may hold open through its egress proxies at once. */
    public static final int MAX_EGRESS_CONNECTIONS = 256;

    /**
     * The browser's egress guard: its policy, the browser-wide proxy (its {@code --proxy-server}) and the
     * connection bound that the browser-wide proxy and every quick action's own proxy share.
     */
    public record Egress(AddressPolicy policy, EgressProxy proxy, Semaphore connections) {
    }

    /**
     * How the agent runs its browsers.
     *
     * @param sparePages keep a blank page in a fresh context ready for each browser's next quick action
     * @param cores      the machine's cores, which bound the quick actions one browser runs at once
     */
    public record Options(boolean sparePages, int cores) {
        public Options {
            if (cores < 1) {
                throw new IllegalArgumentException("cores must be >= 1 (cores=" + cores + ")");
            }
        }

        /** Spares on or off, and this machine's cores. */
        public static Options of(boolean sparePages) {
            return new Options(sparePages, Runtime.getRuntime().availableProcessors());
        }
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
    private final SparePage spare;
    private final int maxQuickActions;
    private final Semaphore quickSlots;
    private final Egress egress;
    private volatile Runnable died = () -> { };

    public BrowserInstance(String id, String pool, String version, BrowserKind browser, ChromiumProcess process,
                           CdpConnection cdp, long startMillis, Egress egress, Options options) {
        this.browser = browser;
        this.spare = new SparePage(this, options.sparePages());
        this.maxQuickActions = QUICK_ACTIONS_PER_CORE * options.cores();
        this.quickSlots = new Semaphore(maxQuickActions);
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

    /** Quick actions this browser runs at once ({@value #QUICK_ACTIONS_PER_CORE} per core). */
    public int maxQuickActions() {
        return maxQuickActions;
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
