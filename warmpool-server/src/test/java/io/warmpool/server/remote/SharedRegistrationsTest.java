package io.warmpool.server.remote;

import com.sun.net.httpserver.HttpServer;
import io.warmpool.Instance;
import io.warmpool.PoolExhaustedException;
import io.warmpool.protocol.AgentMessages.Registration;
import io.warmpool.protocol.AgentProtocol;
import io.warmpool.server.local.AgentClient;
import io.warmpool.spi.InstanceProvider;
import io.warmpool.testkit.InMemoryInstanceStore;
import io.warmpool.testkit.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two gateways of one region over one shared store: an agent that registered with one of them only gets starts from
 * the other when that one leads. The agent is a loopback HTTP server answering the start call.
 */
class SharedRegistrationsTest {
    private static final Duration STALE_AFTER = Duration.ofSeconds(15);

    private final InMemoryInstanceStore store = new InMemoryInstanceStore();
    private final MutableClock clock = new MutableClock();
    private final AtomicLong nanos = new AtomicLong();
    private final AgentClient client = new AgentClient();
    private final List<String> startsOnAgent = new CopyOnWriteArrayList<>();
    private HttpServer agent;

    @AfterEach
    void close() {
        if (agent != null) {
            agent.stop(0);
        }
        client.close();
    }

    private RemoteAgentProvider gateway() {
        return new RemoteAgentProvider("weur", client, new RegisteredAgents(nanos::get, STALE_AFTER), Map.of(),
                new SharedRegistrations("weur", Optional.of(store), clock, STALE_AFTER));
    }

    private String startAgent() throws Exception {
        agent = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        agent.createContext(AgentProtocol.INSTANCES, exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            startsOnAgent.add(body);
            byte[] answer = "{\"instanceId\":\"i-1\",\"cdpUrl\":\"ws://127.0.0.1:9/devtools/browser/x\",\"pid\":1,\"startMs\":5}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        agent.start();
        return "http://127.0.0.1:" + agent.getAddress().getPort();
    }

    private static Registration registration(String url, int capacity) {
        return new Registration("agent-1", "weur", "weur-a", List.of("browser"), capacity, url, AgentProtocol.VERSION);
    }

    @Test
    void theLeaderStartsOnAnAgentThatRegisteredOnlyWithAnotherGateway() throws Exception {
        RemoteAgentProvider a = gateway();
        RemoteAgentProvider leader = gateway();
        String url = startAgent();
        a.register(registration(url, 2));

        InstanceProvider.Placement placement = leader.place("weur", "browser");
        assertThat(placement.agentId()).isEqualTo("agent-1");
        assertThat(placement.zone()).isEqualTo("weur-a");
        Instance instance = Instance.starting("i-1", "weur", "browser", placement.zone(), placement.agentId(),
                "chromium-140", clock.instant(), clock.instant().plusSeconds(3600));
        InstanceProvider.Started started = leader.start(instance);

        assertThat(started.agentUrl()).isEqualTo(url);
        assertThat(startsOnAgent).singleElement().asString().contains("\"instanceId\":\"i-1\"");
    }

    @Test
    void theLeaderCountsTheSlotsFilledThroughOtherGatewaysAndSkipsAgentsWhoseBeatIsStale() {
        RemoteAgentProvider a = gateway();
        RemoteAgentProvider leader = gateway();
        a.register(registration("http://127.0.0.1:1", 1));
        store.insert(Instance.starting("i-0", "weur", "browser", "weur-a", "agent-1", "chromium-140", clock.instant(),
                clock.instant().plusSeconds(3600)));

        assertThatThrownBy(() -> leader.place("weur", "browser")).as("its one slot runs i-0")
                .isInstanceOf(PoolExhaustedException.class);

        a.register(registration("http://127.0.0.1:1", 2)); // it now runs two
        assertThat(leader.place("weur", "browser").agentId()).isEqualTo("agent-1");

        RemoteAgentProvider restarted = gateway();
        clock.advance(STALE_AFTER.plusSeconds(1));
        assertThatThrownBy(() -> restarted.place("weur", "browser")).as("no beat for longer than staleAfter")
                .isInstanceOf(PoolExhaustedException.class);
    }
}
