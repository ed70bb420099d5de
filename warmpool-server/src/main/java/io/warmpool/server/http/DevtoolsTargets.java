package io.warmpool.server.http;

import io.warmpool.Instance;
import io.warmpool.InstanceLostException;
import io.warmpool.InstanceState;
import io.warmpool.InvalidRequestException;
import io.warmpool.SessionNotFoundException;
import io.warmpool.protocol.AgentProtocol;
import io.warmpool.server.RegionRuntime;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Finds where a session's CDP endpoint is: the live session in the region's store (so any gateway finds any session),
 * and the agent its instance runs on, which relays the browser's endpoint ({@link AgentProtocol#devtools}). The
 * gateway never dials the browser itself. Stateless; thread-safe.
 */
final class DevtoolsTargets {
    private final RegionResolver resolver;

    DevtoolsTargets(RegionResolver resolver) {
        this.resolver = resolver;
    }

    /**
     * The live session {@code sessionId} (internal id) and the agent URL that serves {@code path} ({@code browser} or
     * {@code page/<id>}) of its browser.
     *
     * @throws SessionNotFoundException when no region holds it (404)
     * @throws InstanceLostException    when its instance is no longer claimed or has no agent (410)
     * @throws InvalidRequestException  when {@code path} names no target, or the session holds a process (400)
     */
    Target target(String sessionId, String path) {
        if (!AgentProtocol.isDevtoolsTarget(path)) {
            throw new InvalidRequestException(AgentProtocol.INVALID_TARGET, "target",
                    "devtools target must be 'browser' or 'page/<id>' (got '" + path + "')");
        }
        for (RegionRuntime r : resolver.all().values()) {
            Optional<Instance> i = r.shard().findSession(sessionId);
            if (i.isPresent() && resolver.processPool(i.get().pool()).isPresent()) {
                throw new InvalidRequestException("not_a_browser_pool", "pool", "session "
                        + Access.external(sessionId) + " holds a process: reach it through its proxyUrl, not CDP");
            }
            if (i.isPresent() && i.get().state() == InstanceState.CLAIMED && i.get().agentUrl() != null) {
                return new Target(sessionId, r, Duration.ofMillis(Math.max(1000, i.get().keepAliveMillis())),
                        i.get().id(), i.get().agentUrl(), path);
            }
            if (i.isPresent()) {
                throw new InstanceLostException(Access.external(sessionId), i.get().id());
            }
        }
        throw new SessionNotFoundException(Access.external(sessionId));
    }

    /** A proxied client's session, its instance and the agent that runs it. */
    static final class Target {
        private final String sessionId;
        private final RegionRuntime region;
        private final Duration keepAlive;
        private final String instanceId;
        private final String agentUrl;
        private final String path;
        private volatile Instant touchedAt;

        Target(String sessionId, RegionRuntime region, Duration keepAlive, String instanceId, String agentUrl,
               String path) {
            this.sessionId = sessionId;
            this.region = region;
            this.keepAlive = keepAlive;
            this.instanceId = instanceId;
            this.agentUrl = agentUrl;
            this.path = path;
        }

        String sessionId() { return sessionId; }
        RegionRuntime region() { return region; }
        Duration keepAlive() { return keepAlive; }
        String instanceId() { return instanceId; }

        /** The agent's WebSocket relay to this target of the browser. */
        String relayUrl() {
            return AgentProtocol.webSocketUrl(agentUrl, AgentProtocol.devtools(instanceId, path));
        }

        /** The agent's URL for the browser's own {@code /json/<what>}. */
        String browserJsonUrl(String what) {
            return agentUrl + AgentProtocol.browserJson(instanceId, what);
        }

        Instant touchedAt() { return touchedAt; }
        void touched(Instant at) { touchedAt = at; }
    }
}
