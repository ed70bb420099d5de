package io.warmpool.server.simulate;

import java.util.PriorityQueue;

/**
 * Tasks due at a virtual millisecond, run in time order and, within one millisecond, in the order they were
 * queued. Not thread-safe: confined to the simulator's thread.
 */
final class EventQueue {
    private record Event(long atMs, long seq, Runnable task) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Long.compare(atMs, o.atMs);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private long seq;

    void at(long atMs, Runnable task) {
        events.add(new Event(atMs, seq++, task));
    }

    /** When the next task is due, or {@link Long#MAX_VALUE} when none is queued. */
    long nextAt() {
        Event e = events.peek();
        return e == null ? Long.MAX_VALUE : e.atMs;
    }

    void runNext() {
        events.poll().task.run();
    }
}
