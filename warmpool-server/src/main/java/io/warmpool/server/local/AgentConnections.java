package io.warmpool.server.local;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Pooled keep-alive HTTP/1.1 connections to agents, for the gateway's quick-action calls: a blocking socket per call
 * (the caller's virtual thread blocks on it; no selector thread, no executor hand-off), kept open for the next call.
 * Measured cheaper than the JDK {@code HttpClient} per hop (BENCHMARKS.md §5y).
 *
 * <p>Bounds: at most {@code maxPerAgent} connections per agent (host:port) in use at once, a caller waiting for one
 * no longer than its call's timeout; a connection idle longer than {@code idleTimeout} is closed rather than reused
 * (below Jetty's 30 s, so that the agent rarely closes one first); connect within {@code connectTimeout}; every read
 * within the call's timeout; answer head and body bounded by {@link Http1Exchange}. Idle connections past their
 * timeout are closed when next looked at, and all of them at most once per idle timeout (see {@code sweepNowAndThen}).
 *
 * <p><b>A request is sent at most once.</b> An idle connection the agent closed meanwhile (it stopped, or its own idle
 * timeout ran out first) is found before it is used ({@link AgentConnection#stale()}, a non-blocking look) and closed;
 * the call then takes another idle connection or a new one. Once a request is written, a connection that breaks, an
 * answer that stops or a timeout is the caller's error: the agent may have received the request and begun the action
 * (an agent that stops in the middle of a page load breaks the connection after the page was asked for), and a second
 * send would load the page twice at once.
 *
 * <p>Thread-safe.
 */
public final class AgentConnections implements AutoCloseable {
    /** Connections in use at once per agent: above any agent's quick-action slots (browsers x slots per browser). */
    public static final int DEFAULT_MAX_PER_AGENT = 64;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private record Origin(Semaphore permits, Deque<AgentConnection> idle) {
    }

    private final int maxPerAgent;
    private final long idleNanos;
    private final Duration connectTimeout;
    private final LongSupplier ticker;
    private final Map<String, Origin> origins = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong lastSweep = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closed;

    public AgentConnections() {
        this(DEFAULT_MAX_PER_AGENT, DEFAULT_IDLE_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, System::nanoTime);
    }

    /** @param ticker a nanosecond ticker ({@code System::nanoTime}) that ages idle connections */
    AgentConnections(int maxPerAgent, Duration idleTimeout, Duration connectTimeout, LongSupplier ticker) {
        if (maxPerAgent < 1) {
            throw new IllegalArgumentException("maxPerAgent must be >= 1 (maxPerAgent=" + maxPerAgent + ")");
        }
        if (idleTimeout.isNegative() || connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive (idleTimeout=" + idleTimeout
                    + ", connectTimeout=" + connectTimeout + ")");
        }
        this.maxPerAgent = maxPerAgent;
        this.idleNanos = idleTimeout.toNanos();
        this.connectTimeout = connectTimeout;
        this.ticker = ticker;
    }

    /**
     * {@code POST}s {@code body} to {@code url} (http only) with {@code headers} and a {@code Content-Length}.
     *
     * @throws IOException when no connection was free in time, the agent could not be reached, the answer broke or
     *                     did not come within {@code timeout}
     */
    public AgentReply post(URI url, Map<String, String> headers, byte[] body, Duration timeout) throws IOException {
        if (closed) {
            throw new IOException("closed");
        }
        int port = url.getPort() < 0 ? 80 : url.getPort();
        String hostPort = url.getHost() + ":" + port;
        long deadline = System.nanoTime() + timeout.toNanos();
        sweepNowAndThen();
        Origin origin = origins.computeIfAbsent(hostPort, k -> new Origin(new Semaphore(maxPerAgent),
                new ConcurrentLinkedDeque<>()));
        try {
            if (!origin.permits().tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new IOException("all " + maxPerAgent + " connections to " + hostPort + " busy for " + timeout.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a connection to " + hostPort, e);
        }
        try {
            String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
            String target = path + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
            byte[] head = Http1Exchange.head("POST", target, hostPort, headers, body.length);
            AgentConnection c = idle(origin);
            if (c == null) {
                c = AgentConnection.open(url.getHost(), port, connectTimeout);
            }
            c.begin();
            try {
                return finish(origin, c, Http1Exchange.exchange(c, head, body, deadline));
            } catch (IOException | RuntimeException e) {
                c.close();
                throw e;
            }
        } finally {
            origin.permits().release();
        }
    }

    /**
     * At most once per idle timeout, closes every idle connection past it, over all agents: an agent that is called
     * no more (stopped, drained, gone) keeps no socket open here for longer than about twice the idle timeout.
     */
    private void sweepNowAndThen() {
        long now = ticker.getAsLong();
        long last = lastSweep.get();
        if (now - last < idleNanos || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        for (Origin o : origins.values()) {
            o.idle().removeIf(c -> {
                if (now - c.idleSince() < idleNanos) {
                    return false;
                }
                c.close();
                return true;
            });
        }
    }

    /**
     * The most recently used idle connection that is young enough and not closed by the agent, or null; the others
     * are closed.
     */
    private AgentConnection idle(Origin origin) {
        long now = ticker.getAsLong();
        for (AgentConnection c = origin.idle().pollFirst(); c != null; c = origin.idle().pollFirst()) {
            if (now - c.idleSince() < idleNanos && !c.stale()) {
                return c;
            }
            c.close();
        }
        return null;
    }

    private AgentReply finish(Origin origin, AgentConnection c, Http1Exchange.Result result) {
        if (result.reusable() && !closed) {
            c.idleSince(ticker.getAsLong());
            origin.idle().offerFirst(c);
            if (closed && origin.idle().remove(c)) { // closed meanwhile: nothing may stay open
                c.close();
            }
        } else {
            c.close();
        }
        return result.reply();
    }

    /** Idle connections kept open now, over all agents (for tests and metrics). */
    public int idleCount() {
        return origins.values().stream().mapToInt(o -> o.idle().size()).sum();
    }

    @Override
    public void close() {
        closed = true;
        for (Origin o : origins.values()) {
            for (AgentConnection c = o.idle().pollFirst(); c != null; c = o.idle().pollFirst()) {
                c.close();
            }
        }
    }
}
