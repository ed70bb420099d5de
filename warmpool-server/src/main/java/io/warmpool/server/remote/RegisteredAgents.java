package io.warmpool.server.remote;

import io.warmpool.protocol.AgentMessages.Registration;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The agents registered with this gateway for one region, and the instances placed on each. A placement takes a
 * slot at once (so two placements never overfill an agent); the slot is the instance's until it is stopped or its
 * agent reports it dead. Agents not heard from (registration or heartbeat) within {@code staleAfter} get no new
 * placements. Thread-safe: one lock, never held across I/O.
 */
final class RegisteredAgents {
    /** One agent as placement sees it. */
    record Agent(Registration registration, long seenNanos, int reserved, Set<String> instances) {
        int used() {
            return reserved + instances.size();
        }

        boolean hasRoomFor(String pool) {
            return registration.pools().contains(pool) && used() < registration.capacity();
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Registration> registrations = new HashMap<>(); // guarded by lock
    private final Map<String, Long> seen = new HashMap<>(); // guarded by lock
    private final Map<String, Integer> reserved = new HashMap<>(); // guarded by lock
    private final Map<String, Set<String>> instances = new HashMap<>(); // guarded by lock
    private final LongSupplier ticker;
    private final long staleAfterNanos;

    RegisteredAgents(LongSupplier ticker, Duration staleAfter) {
        this.ticker = ticker;
        this.staleAfterNanos = staleAfter.toNanos();
    }

    /** Adds or refreshes an agent; returns true when it is new to this gateway. */
    boolean register(Registration r) {
        lock.lock();
        try {
            seen.put(r.agentId(), ticker.getAsLong());
            instances.computeIfAbsent(r.agentId(), id -> new HashSet<>());
            return registrations.put(r.agentId(), r) == null;
        } finally {
            lock.unlock();
        }
    }

    /** True (and the agent counts as heard from now) when {@code agentId} is registered. */
    boolean heardFrom(String agentId) {
        lock.lock();
        try {
            if (!registrations.containsKey(agentId)) {
                return false;
            }
            seen.put(agentId, ticker.getAsLong());
            return true;
        } finally {
            lock.unlock();
        }
    }

    Optional<Registration> get(String agentId) {
        lock.lock();
        try {
            return Optional.ofNullable(registrations.get(agentId));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reserves a slot for {@code pool} on the live agent with room in the least used zone, then the least used agent
     * there (ties by id); empty when no agent has room.
     */
    Optional<Registration> reserve(String pool) {
        lock.lock();
        try {
            long now = ticker.getAsLong();
            Map<String, Integer> usedByZone = new HashMap<>();
            registrations.values().forEach(r -> usedByZone.merge(r.zone(), view(r).used(), Integer::sum));
            Optional<Registration> best = registrations.values().stream()
                    .filter(r -> now - seen.get(r.agentId()) <= staleAfterNanos)
                    .filter(r -> view(r).hasRoomFor(pool))
                    .min(Comparator.<Registration>comparingInt(r -> usedByZone.get(r.zone()))
                            .thenComparingInt(r -> view(r).used())
                            .thenComparing(Registration::agentId));
            best.ifPresent(r -> reserved.merge(r.agentId(), 1, Integer::sum));
            return best;
        } finally {
            lock.unlock();
        }
    }

    /** The start of a reserved slot ended: the slot holds {@code instanceId} when it started, or is freed. */
    void settle(String agentId, String instanceId, boolean started) {
        lock.lock();
        try {
            reserved.computeIfPresent(agentId, (id, n) -> n <= 1 ? null : n - 1);
            if (started && registrations.containsKey(agentId)) {
                instances.get(agentId).add(instanceId);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Counts {@code instanceIds} as holding slots of the registered agent {@code agentId} (started elsewhere). */
    void adopt(String agentId, Set<String> instanceIds) {
        lock.lock();
        try {
            Set<String> on = instances.get(agentId);
            if (on != null) {
                on.addAll(instanceIds);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The instance is stopped or dead: its slot is free. */
    void release(String agentId, String instanceId) {
        lock.lock();
        try {
            Set<String> on = instances.get(agentId);
            if (on != null) {
                on.remove(instanceId);
            }
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return registrations.size();
        } finally {
            lock.unlock();
        }
    }

    private Agent view(Registration r) { // called with lock held
        return new Agent(r, seen.get(r.agentId()), reserved.getOrDefault(r.agentId(), 0), instances.get(r.agentId()));
    }
}
