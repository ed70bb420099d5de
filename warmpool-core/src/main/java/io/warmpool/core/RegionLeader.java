package io.warmpool.core;

import io.warmpool.LeaderTerm;
import io.warmpool.spi.InstanceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * This process's claim to lead one region's housekeeping, through the lease row in the region's store shard. Each
 * {@link #lead()} takes or renews the lease with the injected clock; {@link #token()} is the fencing token that
 * every housekeeping write carries (0 while not leading), so a leader that was paused past its term and wakes up
 * has its writes refused by the store. A term is trusted locally only until {@code period} minus one renewal
 * interval has passed since it was granted. Thread-safe.
 */
public final class RegionLeader {
    private static final Logger log = LoggerFactory.getLogger(RegionLeader.class);

    private final String region;
    private final String lease;
    private final String holder;
    private final InstanceStore store;
    private final Duration period;
    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private LeaderTerm term; // guarded by lock; null while not leading
    private volatile long token; // the current term's token, 0 while not leading
    private final java.util.concurrent.atomic.AtomicLong attempts = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param holder this process's id, unique among the gateways sharing the store
     * @param period how long a term lasts unless renewed; renewed on each {@link #lead()}
     */
    public RegionLeader(String region, InstanceStore store, String holder, Duration period, InstantSource clock) {
        this.region = region;
        this.lease = "housekeeping/" + region;
        this.holder = holder;
        this.store = store;
        this.period = period;
        this.clock = clock;
    }

    /** A holder id unique to this process: host, pid and a random part. */
    public static String newHolderId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown-host";
        }
        return host + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The lease term for a housekeeping interval: long enough for several renewals, at least two seconds. */
    public static Duration periodFor(Duration housekeepingInterval) {
        Duration five = housekeepingInterval.multipliedBy(5);
        return five.compareTo(Duration.ofSeconds(2)) < 0 ? Duration.ofSeconds(2) : five;
    }

    /**
     * Takes or renews the lease now.
     *
     * @return true when this process leads the region until its next renewal is due
     */
    public boolean lead() {
        attempts.incrementAndGet();
        lock.lock();
        try {
            Instant now = clock.instant();
            Optional<LeaderTerm> granted;
            try {
                granted = store.lead(lease, holder, now, period);
            } catch (RuntimeException e) {
                // the store cannot confirm the term: stop acting at once rather than risk two leaders
                step(null, "the lease could not be renewed: " + e.getMessage());
                return false;
            }
            step(granted.orElse(null), "another gateway holds the lease");
            return granted.isPresent();
        } finally {
            lock.unlock();
        }
    }

    /** Takes the lease whoever holds it: for an embedded store that only this process can open. */
    public void seize() {
        lock.lock();
        try {
            step(store.seize(lease, holder, clock.instant(), period), null);
        } finally {
            lock.unlock();
        }
    }

    /** Gives the lease up so that another gateway leads at once (on a clean shutdown). */
    public void resign() {
        lock.lock();
        try {
            if (term != null) {
                long t = term.token();
                step(null, "resigned");
                store.resign(lease, holder, t);
            }
        } catch (RuntimeException e) {
            log.warn("{} - could not resign the housekeeping lease: {}", region, e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    /** Whether the current term is still running by this process's clock. */
    public boolean isLeader() {
        lock.lock();
        try {
            return term != null && clock.instant().isBefore(term.expiresAt());
        } finally {
            lock.unlock();
        }
    }

    /** The fencing token of the current term, 0 while not leading. */
    public long token() {
        return token;
    }

    /** How many times {@link #lead()} was called: one per housekeeping round. */
    public long attempts() {
        return attempts.get();
    }

    public String holder() {
        return holder;
    }

    public String lease() {
        return lease;
    }

    private void step(LeaderTerm next, String why) { // called with lock held
        boolean was = term != null;
        if (next != null && (!was || term.token() != next.token())) {
            log.atInfo().addKeyValue("region", region).addKeyValue("leader", holder).addKeyValue("term", next.token())
                    .log("{} - this gateway ({}) leads housekeeping (term {})", region, holder, next.token());
        } else if (next == null && was) {
            log.atWarn().addKeyValue("region", region).addKeyValue("leader", "").addKeyValue("was", holder)
                    .log("{} - this gateway ({}) no longer leads housekeeping: {}", region, holder, why);
        }
        term = next;
        token = next == null ? 0 : next.token();
    }
}
