package io.warmpool.agent.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The requests one {@link EgressProxy} refused: a count, and the first {@value #KEPT} in detail (the
 * rest are only counted, so a page that tries a million addresses costs no memory); and the first allowed
 * requests that failed upstream, so that a failed navigation can be told apart from a refused one. Thread-safe.
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

    /**
     * One allowed request that could not be carried out (name not resolved, connection refused or timed out).
     *
     * @param error Chromium's name for what happened, such as {@code net::ERR_CONNECTION_REFUSED}
     */
    public record Failure(String url, String error) {
    }

    static final int KEPT = 32;

    private final ReentrantLock lock = new ReentrantLock();
    private final List<Denial> first = new ArrayList<>(); // guarded by lock
    private final List<Failure> failures = new ArrayList<>(); // guarded by lock
    private final AtomicInteger count = new AtomicInteger();

    void failed(Failure failure) {
        lock.lock();
        try {
            if (failures.size() < KEPT) {
                failures.add(failure);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The first allowed requests that failed upstream, oldest first (at most {@value #KEPT}). */
    public List<Failure> failures() {
        lock.lock();
        try {
            return List.copyOf(failures);
        } finally {
            lock.unlock();
        }
    }

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
