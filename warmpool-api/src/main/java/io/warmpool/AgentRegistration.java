package io.warmpool;

import java.util.List;
import java.util.Objects;

/**
 * An agent as the gateways of its region share it through the region's store: where it listens, its zone, the pools
 * it serves and how many instances it runs at most. Never its secret. Immutable.
 *
 * @param agentId  the agent's id
 * @param region   the region it serves
 * @param zone     its zone in that region
 * @param url      where the gateways reach it (the agent protocol's base URL)
 * @param pools    the pools it serves (names without commas, as pool names are)
 * @param capacity how many instances it runs at most, at least 1
 */
public record AgentRegistration(String agentId, String region, String zone, String url, List<String> pools,
                                int capacity) {
    public AgentRegistration {
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(url, "url");
        pools = List.copyOf(pools);
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
    }
}
