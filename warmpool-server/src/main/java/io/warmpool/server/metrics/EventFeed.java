package io.warmpool.server.metrics;

import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The last {@link #CAPACITY} events an operator watches as they happen (fallbacks, failed starts, lost instances,
 * exhausted pools, limits hit, blocked egress, failed quick actions), numbered so that a poller asks only for what is
 * new. Past the capacity the oldest is dropped. Thread-safe.
 */
public final class EventFeed {
    static final int CAPACITY = 500;

    /**
     * One event.
     *
     * @param seq    increases by one per event, from 1
     * @param at     when, an ISO-8601 instant
     * @param kind   {@code fallback}, {@code start_failed}, {@code exhausted}, {@code limit}, {@code egress_blocked},
     *               {@code quick_failed}, {@code lost}
     * @param region the region it happened in, or {@code ""}
     * @param pool   the pool, or {@code ""}
     */
    public record Event(long seq, String at, String kind, String region, String pool, String message) {
    }

    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Event> events = new ArrayDeque<>(); // guarded by lock
    private long seq; // guarded by lock

    public EventFeed(InstantSource clock) {
        this.clock = clock;
    }

    public void add(String kind, String region, String pool, String message) {
        lock.lock();
        try {
            if (events.size() >= CAPACITY) {
                events.removeFirst();
            }
            events.addLast(new Event(++seq, clock.instant().toString(), kind, region, pool, message));
        } finally {
            lock.unlock();
        }
    }

    /** Events numbered above {@code afterSeq}, oldest first, at most the newest {@code limit}. */
    public List<Event> after(long afterSeq, int limit) {
        lock.lock();
        try {
            List<Event> out = new ArrayList<>();
            var it = events.descendingIterator();
            while (it.hasNext() && out.size() < limit) {
                Event e = it.next();
                if (e.seq() <= afterSeq) {
                    break;
                }
                out.add(e);
            }
            return out.reversed();
        } finally {
            lock.unlock();
        }
    }
}
