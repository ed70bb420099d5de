package io.warmpool.agent.internal;

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

    private final String id;
    private final String pool;
    private final String version;
    private final ChromiumProcess process;
    private final CdpConnection cdp;
    private final long startMillis;
    private final AtomicInteger uses = new AtomicInteger();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicBoolean dead = new AtomicBoolean();
    private final Set<String> quickContexts = ConcurrentHashMap.newKeySet();
    private final SparePage spare = new SparePage(this);
    private final Semaphore quickSlots = new Semaphore(MAX_QUICK_ACTIONS);

    public BrowserInstance(String id, String pool, String version, ChromiumProcess process, CdpConnection cdp,
                           long startMillis) {
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
        cdp.closedFuture().whenComplete((reason, e) -> died.run());
        process.onExit().whenComplete((p, e) -> died.run());
    }

    /** Closes the connection, kills the process group and deletes the profile. Idempotent. */
    public void stop() {
        if (stopping.compareAndSet(false, true)) {
            cdp.close();
            process.stop();
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

    SparePage spare() {
        return spare;
    }

    ChromiumProcess process() {
        return process;
    }
}
