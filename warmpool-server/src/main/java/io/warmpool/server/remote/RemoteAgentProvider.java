package io.warmpool.server.remote;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.warmpool.BrowserKind;
import io.warmpool.Instance;
import io.warmpool.PoolExhaustedException;
import io.warmpool.ProviderException;
import io.warmpool.protocol.AgentMessages;
import io.warmpool.protocol.AgentMessages.Registration;
import io.warmpool.protocol.AgentMessages.StartRequest;
import io.warmpool.protocol.AgentProtocol;
import io.warmpool.server.local.AgentClient;
import io.warmpool.spi.InstanceProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Runs a region's instances on agents on any host that registered with a gateway of the region
 * ({@code "agents": "remote"}). Registrations are shared through the region's store ({@link SharedRegistrations}), so
 * the gateway that leads the region places on agents that registered only with another gateway. Starts go to a live
 * agent serving the pool with room, spread over zones, then agents (see {@link RegisteredAgents#reserve}); every call
 * is the agent protocol over the gateway's {@link AgentClient}, which carries the cluster secret. Thread-safe.
 */
public final class RemoteAgentProvider implements InstanceProvider {
    private static final Logger log = LoggerFactory.getLogger(RemoteAgentProvider.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    /** How long a caller is told to wait when every agent of the region is full: about one housekeeping round. */
    private static final Duration NO_ROOM_RETRY = Duration.ofSeconds(1);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final String region;
    private final AgentClient client;
    private final RegisteredAgents agents;
    private final Map<String, BrowserKind> browsers;
    private final SharedRegistrations shared;

    RemoteAgentProvider(String region, AgentClient client, RegisteredAgents agents, Map<String, BrowserKind> browsers,
                        SharedRegistrations shared) {
        this.region = region;
        this.client = client;
        this.agents = agents;
        this.browsers = Map.copyOf(browsers);
        this.shared = shared;
    }

    /**
     * Admits an agent that registered with this gateway (its secret and protocol version were checked by the route).
     *
     * @throws io.warmpool.InvalidRequestException when it names another region or has no capacity
     */
    public void register(Registration r) {
        if (!region.equals(r.region())) {
            throw new io.warmpool.InvalidRequestException(AgentProtocol.UNKNOWN_REGION, "region",
                    "agent " + r.agentId() + " registered for " + r.region() + " with the provider of " + region);
        }
        if (r.capacity() < 1 || r.pools() == null || r.pools().isEmpty() || r.url() == null || r.zone() == null) {
            throw new io.warmpool.InvalidRequestException(AgentProtocol.INVALID_FIELD, "capacity",
                    "a registration needs zone, url, pools and capacity >= 1 (got " + r + ")");
        }
        if (agents.register(r)) {
            agents.adopt(r.agentId(), shared.runningOn(r.agentId()));
            log.info("{} - agent {} registered ({}, zone {}, pools {}, capacity {})", region, r.agentId(), r.url(),
                    r.zone(), r.pools(), r.capacity());
        }
        shared.publish(r);
    }

    @Override
    public Placement place(String region, String pool) {
        for (Registration live : shared.live()) { // the agents of the other gateways, and the beats they took
            if (agents.register(live)) {
                agents.adopt(live.agentId(), shared.runningOn(live.agentId()));
                log.info("{} - agent {} learned from the store ({}, zone {})", region, live.agentId(), live.url(),
                        live.zone());
            }
        }
        // every agent full is the region at capacity, not a failed provider: the caller gets 503 and Retry-After
        Registration r = agents.reserve(pool).orElseThrow(() -> new PoolExhaustedException(pool + "/" + region
                + " - no registered agent with room (agents=" + agents.size() + ")", NO_ROOM_RETRY));
        return new Placement(r.agentId(), r.zone());
    }

    @Override
    public Started start(Instance instance) {
        boolean started = false;
        try {
            Registration owner = registered(instance);
            BrowserKind browser = browsers.get(instance.pool());
            byte[] body = JSON.writeValueAsBytes(new StartRequest(instance.id(), instance.pool(), instance.version(),
                    browser == null ? null : browser.configName()));
            HttpResponse<byte[]> r = client.post(owner.url() + AgentProtocol.INSTANCES, body, START_TIMEOUT);
            if (r.statusCode() != 200) {
                throw new ProviderException(instance.pool() + "/" + region + " - agent " + owner.agentId()
                        + " refused to start " + instance.id() + ": HTTP " + r.statusCode() + " "
                        + new String(r.body(), StandardCharsets.UTF_8));
            }
            AgentMessages.Started s = JSON.readValue(r.body(), AgentMessages.Started.class);
            started = true;
            return new Started(s.cdpUrl(), owner.url());
        } catch (IOException e) {
            throw new ProviderException("agent answered with invalid JSON: " + e.getMessage(), e);
        } finally {
            agents.settle(instance.agentId(), instance.id(), started);
        }
    }

    @Override
    public void stop(Instance instance) {
        agents.release(instance.agentId(), instance.id());
        urlOf(instance).ifPresent(url -> client.delete(url + AgentProtocol.instance(instance.id()), CALL_TIMEOUT));
    }

    @Override
    public boolean reset(Instance instance) {
        return urlOf(instance).map(url -> client.post(url + AgentProtocol.reset(instance.id()), new byte[0],
                CALL_TIMEOUT).statusCode() == 200).orElse(false);
    }

    /**
     * Where the instance's agent listens: as it registered here, else as the store's row says (it may have registered
     * with another gateway only: any gateway serves any session), unless the instance is LOST.
     */
    private java.util.Optional<String> urlOf(Instance instance) {
        return agents.get(instance.agentId()).map(Registration::url).or(() -> java.util.Optional.ofNullable(
                instance.state() == io.warmpool.InstanceState.LOST ? null : instance.agentUrl()));
    }

    /** Heartbeats are taken from registered agents only; each one counts as a sign of life. */
    @Override
    public boolean admits(String agentId) {
        return agents.heardFrom(agentId);
    }

    private Registration registered(Instance instance) {
        return agents.get(instance.agentId()).orElseThrow(() -> new ProviderException(
                "agent " + instance.agentId() + " of " + instance.id() + " is not registered"));
    }

    @Override
    public void close() {
        // the agents are not ours: they keep running and register with the other gateways
    }
}
