package io.warmpool.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.warmpool.InvalidRequestException;
import io.warmpool.protocol.AgentMessages.Registration;
import io.warmpool.protocol.AgentProtocol;
import io.warmpool.server.RegionRuntime;
import io.warmpool.server.remote.RemoteAgentProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * {@code POST /internal/v1/agents}: an agent on any host registers with this gateway for a region whose agents are
 * {@code remote}. Checked like heartbeats ({@link AgentCheck}); a registration of another protocol version is refused
 * with 400 {@code unsupported_protocol} and one WARN line. Stateless.
 */
final class AgentRoutes {
    private static final Logger log = LoggerFactory.getLogger(AgentRoutes.class);

    private final RegionResolver resolver;
    private final AgentCheck check;

    AgentRoutes(RegionResolver resolver, AgentCheck check) {
        this.resolver = resolver;
        this.check = check;
    }

    void register(RoutesConfig app) {
        app.post(AgentProtocol.REGISTRATIONS, this::take);
    }

    private void take(Context ctx) {
        check.check(ctx);
        Registration r = Json.read(ctx.bodyAsBytes(), Registration.class);
        if (r.protocolVersion() != AgentProtocol.VERSION) {
            String problem = AgentProtocol.versionProblem(Integer.toString(r.protocolVersion()));
            log.warn("agent {} at {} refused: {}", r.agentId(), ctx.ip(), problem);
            throw new InvalidRequestException(AgentProtocol.UNSUPPORTED_PROTOCOL, "protocolVersion", problem);
        }
        if (r.agentId() == null || r.region() == null) {
            throw new InvalidRequestException(AgentProtocol.INVALID_FIELD, r.agentId() == null ? "agentId" : "region",
                    "agentId and region are required");
        }
        RegionRuntime region = resolver.all().get(r.region());
        if (region == null || !(region.provider() instanceof RemoteAgentProvider remote)) {
            log.warn("agent {} at {} refused: region '{}' {}", r.agentId(), ctx.ip(), r.region(),
                    region == null ? "is not served here" : "does not take remote agents");
            throw new InvalidRequestException(AgentProtocol.UNKNOWN_REGION, "region", "region '" + r.region()
                    + "' " + (region == null ? "is not served by this gateway" : "does not take remote agents"));
        }
        remote.register(r);
        ctx.status(200).json(Map.of("success", true, "agentId", r.agentId()));
    }
}
