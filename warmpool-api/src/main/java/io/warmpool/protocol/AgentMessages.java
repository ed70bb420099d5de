package io.warmpool.protocol;

import java.util.List;

/**
 * The JSON bodies of the agent protocol ({@link AgentProtocol}), as records both sides serialize. Immutable.
 */
public final class AgentMessages {
    private AgentMessages() {
    }

    /**
     * Gateway → agent, {@code POST /instances}.
     *
     * @param browser {@code headless-shell} (the default when absent) or {@code chromium}
     */
    public record StartRequest(String instanceId, String pool, String version, String browser) {
    }

    /** Agent → gateway, the answer to a start: where the browser's CDP endpoint is, and how long it took. */
    public record Started(String instanceId, String cdpUrl, long pid, long startMs) {
    }

    /** One line of {@code GET /instances}. */
    public record InstanceView(String instanceId, String pool, long pid, boolean alive, String cdpUrl, int uses) {
    }

    /** One instance's line in a heartbeat; {@code alive} absent counts as true. */
    public record InstanceStatus(String instanceId, Boolean alive) {
    }

    /**
     * Agent → gateway, {@code POST /internal/v1/heartbeats}: every instance the agent runs.
     *
     * @param at an ISO-8601 instant, the agent's clock
     */
    public record Heartbeat(String agentId, String region, String at, List<InstanceStatus> instances) {
    }

    /**
     * Agent → gateway, {@code POST /internal/v1/agents}: an agent on any host offers itself to a region.
     *
     * @param url             the agent's base URL, as the gateway should dial it
     * @param capacity        the most instances it runs at once, over all its pools
     * @param protocolVersion {@link AgentProtocol#VERSION} of the agent
     */
    public record Registration(String agentId, String region, String zone, List<String> pools, int capacity,
                               String url, int protocolVersion) {
    }
}
