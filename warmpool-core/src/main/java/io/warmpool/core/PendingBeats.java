package io.warmpool.core;

import io.warmpool.AgentBeat;
import io.warmpool.HeartbeatReport;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the heartbeat writer has taken from the queue and not yet written, coalesced: per agent its latest "alive"
 * report as one beat (the liveness of all its instances, one row), and per instance the latest report that must be
 * written on its own row (a death, or an "alive" from a report without an agent). A death is never overwritten by an
 * "alive". With a {@code refreshAfter}, {@link #due} leaves out beats and heartbeats whose row this writer wrote less
 * than that long before (their stored time is recent enough). Writer thread only; not thread-safe.
 */
final class PendingBeats {
    /** Agents and instances whose last written time is remembered at most (about 100 bytes each). */
    static final int MAX_TRACKED = 2_000_000;

    /** The rows of one write: agent beats and instance reports. */
    record Due(List<AgentBeat> agents, List<HeartbeatReport> instances) {
        int rows() {
            return agents.size() + instances.size();
        }
    }

    private final long refreshAfterMillis;
    private final Map<String, AgentBeat> agents = new LinkedHashMap<>();
    private final Map<String, HeartbeatReport> instances = new LinkedHashMap<>();
    private final Map<String, Long> agentWritten = new HashMap<>();
    private final Map<String, Long> instanceWritten = new HashMap<>();

    PendingBeats(long refreshAfterMillis) {
        this.refreshAfterMillis = refreshAfterMillis;
    }

    void add(HeartbeatReport r) {
        if (r.alive() && r.agentId() != null) {
            AgentBeat old = agents.get(r.agentId()); // most of an agent's reports carry the same time: no new beat
            if (old == null || r.at().isAfter(old.at())) {
                agents.put(r.agentId(), new AgentBeat(r.agentId(), r.at()));
            }
        } else {
            instances.merge(r.instanceId(), r, PendingBeats::latest);
        }
    }

    static HeartbeatReport latest(HeartbeatReport old, HeartbeatReport neu) {
        if (!neu.alive() && old.alive()) {
            return neu; // a death is never overwritten by an older "alive"
        }
        if (!old.alive() && neu.alive()) {
            return old;
        }
        return neu.at().isBefore(old.at()) ? old : neu;
    }

    int size() {
        return agents.size() + instances.size();
    }

    boolean isEmpty() {
        return agents.isEmpty() && instances.isEmpty();
    }

    /** Drops the oldest entries (agent beats first: the next beat replaces them) beyond {@code max}; how many. */
    int dropBeyond(int max) {
        int dropped = 0;
        for (Iterator<?> it = agents.values().iterator(); size() > max && it.hasNext(); dropped++) {
            it.next();
            it.remove();
        }
        for (Iterator<?> it = instances.values().iterator(); size() > max && it.hasNext(); dropped++) {
            it.next();
            it.remove();
        }
        return dropped;
    }

    /**
     * The rows to write now: every death, and every beat or heartbeat whose row is {@code refreshAfter} old or older
     * (all of them when {@code refreshAfter} is zero). When none is due and {@code probe} is set, one row anyway, so
     * that an unwritable store shows.
     */
    Due due(boolean probe) {
        List<AgentBeat> dueAgents = new ArrayList<>();
        for (AgentBeat b : agents.values()) {
            if (isDue(agentWritten.get(b.agentId()), b.at().toEpochMilli())) {
                dueAgents.add(b);
            }
        }
        List<HeartbeatReport> dueInstances = new ArrayList<>();
        for (HeartbeatReport r : instances.values()) {
            if (!r.alive() || isDue(instanceWritten.get(r.instanceId()), r.at().toEpochMilli())) {
                dueInstances.add(r);
            }
        }
        if (probe && dueAgents.isEmpty() && dueInstances.isEmpty()) {
            if (!agents.isEmpty()) {
                dueAgents.add(agents.values().iterator().next());
            } else if (!instances.isEmpty()) {
                dueInstances.add(instances.values().iterator().next());
            }
        }
        return new Due(dueAgents, dueInstances);
    }

    private boolean isDue(Long lastWritten, long at) {
        return refreshAfterMillis == 0 || lastWritten == null || at - lastWritten >= refreshAfterMillis;
    }

    /** Everything pending was written (the due rows) or absorbed (the rest): remembers the rows and clears. */
    void written(Due due) {
        if (refreshAfterMillis > 0) {
            if (agentWritten.size() + instanceWritten.size() + due.rows() > MAX_TRACKED) {
                agentWritten.clear(); // costs one write each, never a missed one
                instanceWritten.clear();
            }
            for (AgentBeat b : due.agents()) {
                agentWritten.put(b.agentId(), b.at().toEpochMilli());
            }
            for (HeartbeatReport r : due.instances()) {
                if (r.alive()) {
                    instanceWritten.put(r.instanceId(), r.at().toEpochMilli());
                } else {
                    instanceWritten.remove(r.instanceId());
                }
            }
        }
        agents.clear();
        instances.clear();
    }
}
