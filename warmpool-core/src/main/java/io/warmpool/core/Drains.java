package io.warmpool.core;

import io.warmpool.Instance;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What an operator has drained in one pool: the whole region, or some agents. A drained instance is never handed
 * out again; its session keeps it until released or idled out, then it is stopped instead of reset. Kept in memory
 * by the gateway that was told (a restart forgets it). Thread-safe.
 */
public final class Drains {
    private final Set<String> agents = ConcurrentHashMap.newKeySet();
    private volatile boolean region;

    /** Whether {@code instance} is drained, by its region or its agent. */
    public boolean covers(Instance instance) {
        return region || (instance.agentId() != null && agents.contains(instance.agentId()));
    }

    /** Whether new instances may be started on {@code agentId}. */
    public boolean allowsStartOn(String agentId) {
        return !region && (agentId == null || !agents.contains(agentId));
    }

    public boolean region() {
        return region;
    }

    public void drainRegion(boolean drained) {
        region = drained;
    }

    public void drainAgent(String agentId, boolean drained) {
        if (drained) {
            agents.add(agentId);
        } else {
            agents.remove(agentId);
        }
    }

    public Set<String> agents() {
        return Set.copyOf(agents);
    }
}
