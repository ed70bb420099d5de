package io.warmpool.server.remote;

import io.warmpool.protocol.AgentMessages.Registration;
import io.warmpool.protocol.AgentProtocol;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RegisteredAgentsTest {
    private final AtomicLong nanos = new AtomicLong();
    private final RegisteredAgents agents = new RegisteredAgents(nanos::get, Duration.ofSeconds(15));

    private static Registration agent(String id, String zone, int capacity, String... pools) {
        return new Registration(id, "weur", zone, List.of(pools), capacity, "http://127.0.0.1:1/" + id,
                AgentProtocol.VERSION);
    }

    private List<String> place(int n, String pool) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            agents.reserve(pool).ifPresent(r -> {
                out.add(r.agentId());
                agents.settle(r.agentId(), "i-" + out.size(), true);
            });
        }
        return out;
    }

    @Test
    void startsSpreadOverZonesThenAgents() {
        agents.register(agent("a1", "weur-a", 8, "browser"));
        agents.register(agent("a2", "weur-a", 8, "browser"));
        agents.register(agent("b1", "weur-b", 8, "browser"));

        List<String> placed = place(4, "browser");

        assertThat(placed).filteredOn(id -> id.startsWith("b")).hasSize(2);
        assertThat(placed).filteredOn(id -> id.startsWith("a")).containsExactlyInAnyOrder("a1", "a2");
    }

    @Test
    void noAgentIsFilledPastItsCapacityAndOnlyItsPoolsGoThere() {
        agents.register(agent("a1", "weur-a", 2, "browser"));
        agents.register(agent("b1", "weur-b", 5, "sandbox"));

        assertThat(place(5, "browser")).containsExactly("a1", "a1");
        assertThat(agents.reserve("browser")).isEmpty();
    }

    @Test
    void aReservationTakesItsSlotUntilTheStartEndsAndAStopFreesIt() {
        agents.register(agent("a1", "weur-a", 1, "browser"));
        assertThat(agents.reserve("browser")).isPresent();
        assertThat(agents.reserve("browser")).as("the slot is reserved while the start runs").isEmpty();

        agents.settle("a1", "i-1", false);
        assertThat(agents.reserve("browser")).as("a failed start frees its slot").isPresent();
        agents.settle("a1", "i-2", true);
        assertThat(agents.reserve("browser")).isEmpty();

        agents.release("a1", "i-2");
        assertThat(agents.reserve("browser")).isPresent();
    }

    @Test
    void anAgentNotHeardFromGetsNoStartsUntilItReportsAgain() {
        agents.register(agent("a1", "weur-a", 4, "browser"));
        nanos.addAndGet(Duration.ofSeconds(16).toNanos());
        assertThat(agents.reserve("browser")).isEmpty();

        assertThat(agents.heardFrom("a1")).isTrue();
        assertThat(agents.heardFrom("stranger")).isFalse();
        assertThat(agents.reserve("browser")).isPresent();
    }
}
