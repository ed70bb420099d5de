package io.warmpool.testkit;

import io.warmpool.AgentRegistration;
import io.warmpool.RateLimit;
import io.warmpool.spi.InstanceStore;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.TreeMap;
import java.util.Map;

/**
 * The in-memory store's rate cells, gateway lags and agent registrations, with the rules of
 * {@code InstanceStore#takeRate}, {@code InstanceStore#publishLag} and {@code InstanceStore#registerAgent} (an
 * agent's liveness is the store's per-agent beat, passed in). Not thread-safe: the store calls it under its lock.
 */
final class MemoryGatewayRows {
    private record Lag(Duration lag, Instant at) {
    }

    private final Map<String, Long> cells = new HashMap<>();
    private final Map<String, Lag> lags = new HashMap<>();
    private final Map<String, AgentRegistration> agents = new TreeMap<>();

    Duration take(String key, RateLimit limit, Instant now) {
        long at = RateLimit.micros(now);
        long tat = cells.getOrDefault(key, 0L);
        long next = limit.afterTake(tat, at);
        if (next < 0) {
            return limit.allowance(tat, at).untilNext();
        }
        cells.put(key, next);
        return Duration.ZERO;
    }

    RateLimit.Allowance peek(String key, RateLimit limit, Instant now) {
        return limit.allowance(cells.getOrDefault(key, 0L), RateLimit.micros(now));
    }

    void publish(String gateway, Duration lag, Instant now) {
        lags.put(gateway, new Lag(lag, now));
        Instant forget = now.minus(InstanceStore.FORGET_LAGS_AFTER);
        lags.values().removeIf(l -> l.at().isBefore(forget));
    }

    Duration worst(Instant liveAfter) {
        return lags.values().stream().filter(l -> !l.at().isBefore(liveAfter)).map(Lag::lag)
                .max(Duration::compareTo).orElse(Duration.ZERO);
    }

    void register(AgentRegistration agent) {
        agents.put(agent.agentId(), agent);
    }

    /** The registered agents of {@code region} whose beat in {@code beats} is at or after {@code liveAfter}. */
    List<AgentRegistration> live(String region, Instant liveAfter, Map<String, Instant> beats) {
        agents.keySet().retainAll(beats.keySet()); // pruned agents are forgotten with their beat
        return agents.values().stream().filter(a -> a.region().equals(region))
                .filter(a -> !beats.get(a.agentId()).isBefore(liveAfter)).toList();
    }
}
