package io.warmpool.server.remote;

import io.warmpool.AgentRegistration;
import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.protocol.AgentMessages.Registration;
import io.warmpool.protocol.AgentProtocol;
import io.warmpool.spi.InstanceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A region's agent registrations as the gateways share them through the region's store shard
 * ({@link InstanceStore#registerAgent}, {@link InstanceStore#liveAgents}): an agent that registered with any gateway
 * of the region can be placed on by whichever gateway leads it, and a gateway that restarts knows the live agents at
 * once. Only what placement needs is shared (URL, region, zone, pools, capacity), never the agent's secret. Without a
 * store (a provider built outside a gateway) registrations stay in this gateway. A store that fails is logged and
 * treated as knowing nothing more than this gateway: placement goes on with the local registrations. Thread-safe.
 */
final class SharedRegistrations {
    private static final Logger log = LoggerFactory.getLogger(SharedRegistrations.class);

    private final String region;
    private final Optional<InstanceStore> store;
    private final InstantSource clock;
    private final Duration staleAfter;

    /**
     * @param staleAfter an agent whose latest beat (registration or heartbeat, to any gateway) is older is not live
     */
    SharedRegistrations(String region, Optional<InstanceStore> store, InstantSource clock, Duration staleAfter) {
        this.region = region;
        this.store = store;
        this.clock = clock;
        this.staleAfter = staleAfter;
    }

    /** Shares an agent that registered with this gateway. */
    void publish(Registration r) {
        store.ifPresent(s -> {
            try {
                s.registerAgent(new AgentRegistration(r.agentId(), r.region(), r.zone(), r.url(), r.pools(),
                        r.capacity()), clock.instant());
            } catch (RuntimeException e) {
                log.warn("{} - could not share the registration of agent {}: {}", region, r.agentId(), e.toString());
            }
        });
    }

    /** The region's live agents, whichever gateway they registered with; empty without a store or when it fails. */
    List<Registration> live() {
        return store.map(s -> {
            try {
                return s.liveAgents(region, clock.instant().minus(staleAfter)).stream()
                        .map(a -> new Registration(a.agentId(), a.region(), a.zone(), a.pools(), a.capacity(), a.url(),
                                AgentProtocol.VERSION))
                        .toList();
            } catch (RuntimeException e) {
                log.warn("{} - could not read the shared agent registrations: {}", region, e.toString());
                return List.<Registration>of();
            }
        }).orElse(List.of());
    }

    /**
     * The ids of the instances the store says run on {@code agentId} (any state but LOST and GONE), so that a gateway
     * that learns an agent counts the slots another gateway filled; empty without a store or when it fails.
     */
    Set<String> runningOn(String agentId) {
        return store.map(s -> {
            try {
                return s.byAgent(agentId).stream().filter(i -> i.state() != InstanceState.LOST)
                        .map(Instance::id).collect(Collectors.toSet());
            } catch (RuntimeException e) {
                log.warn("{} - could not read the instances of agent {}: {}", region, agentId, e.toString());
                return Set.<String>of();
            }
        }).orElse(Set.of());
    }
}
