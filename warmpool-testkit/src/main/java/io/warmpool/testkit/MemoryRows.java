package io.warmpool.testkit;

import io.warmpool.AgentBeat;
import io.warmpool.ClaimRequest;
import io.warmpool.HeartbeatReport;
import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.StoreException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * The rows of an {@link InMemoryInstanceStore} and the writes that change them: claims, releases, transitions,
 * heartbeats and agents' beats, the LOST sweep. Same semantics as the JDBC store: times to the millisecond, candidates
 * in {@code pick} order (re-drawn on every return to WARM), the claim random among the first {@code candidates}.
 * Not thread-safe: its store calls it with its lock held.
 */
final class MemoryRows {

    final Map<String, MemoryRow> rows = new TreeMap<>(); // by id, so list() is ordered
    final Map<String, String> sessions = new HashMap<>(); // sessionId -> instance id
    final Map<String, Instant> agentBeats = new HashMap<>(); // agent id -> its latest beat
    private final Random random;

    MemoryRows(Random random) {
        this.random = random;
    }

    void insert(Instance instance) {
        if (rows.containsKey(instance.id())) {
            throw new StoreException("insert: instance '" + instance.id() + "' already exists", "23505", null);
        }
        if (instance.sessionId() != null && sessions.containsKey(instance.sessionId())) {
            throw new StoreException("insert: session '" + instance.sessionId() + "' is already bound", "23505", null);
        }
        MemoryRow row = new MemoryRow(instance, random.nextLong());
        rows.put(row.id, row);
        if (row.sessionId != null) {
            sessions.put(row.sessionId, row.id);
        }
    }

    boolean markWarm(String instanceId, String cdpUrl, String agentUrl, Instant now) {
        MemoryRow row = rows.get(instanceId);
        if (row == null || row.state != InstanceState.STARTING) {
            return false;
        }
        row.cdpUrl = cdpUrl;
        row.agentUrl = agentUrl;
        row.heartbeatAt = now;
        moveTo(row, InstanceState.WARM);
        return true;
    }

    Optional<Instance> claim(ClaimRequest request, Instant freshAfter, Instant now) {
        String bound = sessions.get(request.sessionId());
        if (bound != null) {
            MemoryRow row = rows.get(bound);
            return row.state == InstanceState.CLAIMED ? Optional.of(row.toInstance()) : Optional.empty();
        }
        List<MemoryRow> warm = rows.values().stream()
                .filter(r -> r.state == InstanceState.WARM && r.pool.equals(request.pool())
                        && request.version().equals(r.version) && fresh(r, freshAfter))
                .sorted(Comparator.comparingLong(r -> r.pick))
                .toList();
        // the nearest zone that has a warm candidate wins; then any zone
        List<MemoryRow> best = List.of();
        for (String zone : request.zones()) {
            best = warm.stream().filter(r -> zone.equals(r.zone)).limit(request.candidates()).toList();
            if (!best.isEmpty()) {
                break;
            }
        }
        if (best.isEmpty()) {
            best = warm.stream().limit(request.candidates()).toList();
        }
        if (best.isEmpty()) {
            return Optional.empty();
        }
        MemoryRow row = best.get(random.nextInt(best.size()));
        row.state = InstanceState.CLAIMED;
        row.sessionId = request.sessionId();
        row.claimedAt = now;
        row.keepAliveMillis = request.keepAlive().toMillis();
        row.sessionExpiresAt = now.plusMillis(row.keepAliveMillis);
        row.uses++;
        sessions.put(row.sessionId, row.id);
        return Optional.of(row.toInstance());
    }

    Optional<Instance> release(String sessionId, InstanceState next) {
        String id = sessions.get(sessionId);
        if (id == null) {
            return Optional.empty();
        }
        MemoryRow row = rows.get(id);
        Instance before = row.toInstance();
        // a LOST instance is dead: releasing it may delete or stop it, never bring it back
        boolean revive = next == InstanceState.WARM || next == InstanceState.STARTING;
        moveTo(row, row.state == InstanceState.LOST && revive ? InstanceState.LOST : next);
        clearSession(row);
        return Optional.of(before);
    }

    boolean transition(String instanceId, InstanceState from, InstanceState to) {
        MemoryRow row = rows.get(instanceId);
        if (row == null || row.state != from) {
            return false;
        }
        moveTo(row, to);
        if (to != InstanceState.LOST) {
            clearSession(row);
        }
        return true;
    }

    /** Each report's time already cut to the millisecond by {@code millis}. */
    int applyHeartbeats(Collection<HeartbeatReport> reports, java.util.function.UnaryOperator<Instant> millis) {
        int changed = 0;
        for (HeartbeatReport report : reports) {
            MemoryRow row = rows.get(report.instanceId());
            if (row == null) {
                continue;
            }
            Instant at = millis.apply(report.at());
            if (report.alive()) {
                row.heartbeatAt = at.isAfter(row.heartbeatAt) ? at : row.heartbeatAt;
                changed++;
            } else if (isLive(row.state)) {
                row.heartbeatAt = at.isAfter(row.heartbeatAt) ? at : row.heartbeatAt;
                row.state = InstanceState.LOST;
                changed++;
            }
        }
        return changed;
    }

    /** Moves each agent's beat forward, never back; the beats' times already cut to the millisecond. */
    void beat(String agentId, Instant at) {
        agentBeats.merge(agentId, at, (a, b) -> a.isAfter(b) ? a : b);
    }

    int beats(Collection<AgentBeat> agents, java.util.function.UnaryOperator<Instant> millis) {
        for (AgentBeat b : agents) {
            beat(b.agentId(), millis.apply(b.at()));
        }
        return agents.size();
    }

    int pruneAgents(Instant before) {
        Set<String> owners = new HashSet<>();
        for (MemoryRow row : rows.values()) {
            owners.add(row.agentId);
        }
        int before0 = agentBeats.size();
        agentBeats.entrySet().removeIf(e -> e.getValue().isBefore(before) && !owners.contains(e.getKey()));
        return before0 - agentBeats.size();
    }

    List<Instance> markLost(String pool, Instant before) {
        List<Instance> lost = new ArrayList<>();
        for (MemoryRow row : rows.values()) {
            if ((pool == null || pool.equals(row.pool)) && isLive(row.state) && !fresh(row, before)) {
                row.state = InstanceState.LOST;
                lost.add(row.toInstance());
            }
        }
        return lost;
    }

    /** Whether the row's own heartbeat or its agent's beat is at or after {@code bound}. */
    boolean fresh(MemoryRow row, Instant bound) {
        if (!row.heartbeatAt.isBefore(bound)) {
            return true;
        }
        Instant agent = row.agentId == null ? null : agentBeats.get(row.agentId);
        return agent != null && !agent.isBefore(bound);
    }

    private void moveTo(MemoryRow row, InstanceState to) {
        if (to == InstanceState.GONE) {
            rows.remove(row.id);
            if (row.sessionId != null) {
                sessions.remove(row.sessionId);
            }
            return;
        }
        if (to == InstanceState.WARM && row.state != InstanceState.WARM) {
            row.pick = random.nextLong();
        }
        row.state = to;
    }

    private void clearSession(MemoryRow row) {
        if (row.sessionId != null) {
            sessions.remove(row.sessionId);
        }
        row.sessionId = null;
        row.claimedAt = null;
        row.sessionExpiresAt = null;
        row.keepAliveMillis = 0;
    }

    /** The states markLost and a dead-process heartbeat may move to LOST. */
    private static boolean isLive(InstanceState state) {
        return state == InstanceState.STARTING || state == InstanceState.WARM || state == InstanceState.CLAIMED;
    }
}
