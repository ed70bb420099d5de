package io.warmpool.agent.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The requests one {@link EgressProxy} refused: a count, and the first {@value #KEPT} in detail (the
 * rest are only counted, so a page that tries a million addresses costs no memory). Thread-safe.
 */
public final class EgressLog {
    /**
     * One refused request.
     *
     * @param url     the absolute URL for plain HTTP, {@code host:port} for a tunnel (https, ws, wss)
     * @param address the address it resolved to, or the literal it named
     * @param reason  the range that address is in ({@code loopback}, {@code private}, ...)
     */
    public record Denial(String url, String host, String address, String reason) {
        /** "url (address, reason)", for messages. */
        public String describe() {
            return url + " (" + host + " is " + address + ", " + reason + ")";
        }
    }

    static final int KEPT = 32;

    private final ReentrantLock lock = new ReentrantLock();
    private final List<Denial> first = new ArrayList<>(); // guarded by lock
    private final AtomicInteger count = new AtomicInteger();

    void record(Denial denial) {
        count.incrementAndGet();
        lock.lock();
        try {
            if (first.size() < KEPT) {
                first.add(denial);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Requests refused so far. */
    public int count() {
        return count.get();
    }

    /** The first refused requests, oldest first (at most {@value #KEPT}). */
    public List<Denial> denials() {
        lock.lock();
        try {
            return List.copyOf(first);
        } finally {
            lock.unlock();
        }
    }
}
