package io.warmpool.server.remote;

import io.warmpool.ConfigException;
import io.warmpool.server.local.AgentClient;
import io.warmpool.server.local.LocalAgentProviderFactory;
import io.warmpool.spi.InstanceProvider;
import io.warmpool.spi.InstanceProviderFactory;
import io.warmpool.spi.InstanceStore;
import io.warmpool.spi.ProviderContext;

import java.time.Duration;
import java.time.InstantSource;

/**
 * The {@code remote} provider: instances on agents on any host that register with the gateways
 * ({@code ./warmpool agent --gateways ...}), shared between the gateways of a region through the region's store (the
 * {@link InstanceStore} service of the context, when the gateway gives one). Reads {@code heartbeatInterval}; an agent
 * not heard from for three intervals (at least 15 s: agents report every 5 s) gets no new starts. Stateless.
 */
public final class RemoteAgentProviderFactory implements InstanceProviderFactory {
    public static final String NAME = "remote";
    private static final Duration AGENT_STALE_AFTER = Duration.ofSeconds(15);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public InstanceProvider create(ProviderContext c) {
        AgentClient client = c.service(AgentClient.class).orElseThrow(() -> new ConfigException(
                "the remote provider needs the gateway's agent client (region " + c.region() + ")"));
        Duration interval = Duration.parse(c.setting("heartbeatInterval"));
        // an agent reports every 5 s whatever the gateway's own interval (which its local agents use)
        Duration staleAfter = interval.multipliedBy(3).compareTo(AGENT_STALE_AFTER) > 0 ? interval.multipliedBy(3)
                : AGENT_STALE_AFTER;
        return new RemoteAgentProvider(c.region(), client, new RegisteredAgents(System::nanoTime, staleAfter),
                LocalAgentProviderFactory.browsers(c), new SharedRegistrations(c.region(),
                c.service(InstanceStore.class), InstantSource.system(), staleAfter));
    }
}
