package io.warmpool.embedded;

import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A session's hold on one instance of a {@link WarmPool}. {@link #close()} releases it: the instance is reset and
 * warm again, or recycled (after {@code maxUses}, {@code maxLifetime}, or a template that replaces after each
 * session). Acquiring the same session id again while it is held answers the same instance (sticky); closing any
 * lease of a session releases the session. Thread-safe; closing twice releases once.
 */
public final class Lease implements AutoCloseable {
    private final WarmPool pool;
    private final String sessionId;
    private final io.warmpool.core.Lease lease;
    private final AtomicBoolean closed = new AtomicBoolean();

    Lease(WarmPool pool, String sessionId, io.warmpool.core.Lease lease) {
        this.pool = pool;
        this.sessionId = sessionId;
        this.lease = lease;
    }

    public String sessionId() {
        return sessionId;
    }

    public String instanceId() {
        return lease.instance().id();
    }

    /** The instance's address, {@code http://127.0.0.1:<port>}. */
    public URI url() {
        return URI.create(lease.instance().agentUrl());
    }

    /** The loopback port the instance's {@code {port}} placeholder became. */
    public int port() {
        return url().getPort();
    }

    /** True when a warm instance was ready at once; false when this acquire waited for a start. */
    public boolean warm() {
        return lease.warm();
    }

    /** False when the session already held this instance (a sticky acquire). */
    public boolean created() {
        return lease.created();
    }

    /** How many sessions the instance served before this one. */
    public int uses() {
        return lease.instance().uses();
    }

    /** Releases the session; see the class comment. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            pool.release(sessionId);
        }
    }
}
