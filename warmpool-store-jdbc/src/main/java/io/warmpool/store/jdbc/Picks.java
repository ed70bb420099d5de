package io.warmpool.store.jdbc;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code pick} keys a store gives rows as they turn WARM: claims take candidates in pick order. A new instance
 * gets a random pick (so that the instances one agent started together do not sit side by side at the head of the
 * claim index, where a dead agent's rows would hide the live ones). A released instance gets, on PostgreSQL, a random
 * pick too (its claims start at a random pick, see {@link ClaimStatement}); on SQLite the next of an increasing
 * sequence, so the claim index works as a queue: claims take from its head, releases append at its tail, and both
 * touch the same few hot pages instead of a random page of a million-row index each (every page a transaction
 * touches is written again to the WAL at commit). Thread-safe.
 */
final class Picks {

    private final boolean sequential;
    /*
     * Seeded from the wall clock at open, in units of 2^-20 ms, so that a reopened shard appends after the picks it
     * handed out before; this is no domain time (nothing is decided by it) and needs no injected clock.
     */
    private final AtomicLong next = new AtomicLong(System.currentTimeMillis() << 20);

    Picks(Dialect dialect) {
        this.sequential = dialect == Dialect.SQLITE;
    }

    /** The pick of an instance that a release returns to WARM or STARTING. */
    long released() {
        return sequential ? next.getAndIncrement() : random();
    }

    /** A random pick: for new instances, and for a claim's random start on PostgreSQL. */
    static long random() {
        return ThreadLocalRandom.current().nextLong();
    }
}
