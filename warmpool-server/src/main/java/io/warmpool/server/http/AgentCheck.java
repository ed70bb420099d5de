package io.warmpool.server.http;

import io.javalin.http.Context;
import io.warmpool.InvalidRequestException;
import io.warmpool.UnauthorizedException;
import io.warmpool.protocol.AgentProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * What every agent → gateway call must pass: the protocol version ({@link AgentProtocol#VERSION_HEADER}) and the
 * cluster secret. A refusal is one WARN line naming the caller and the reason, and 400 {@code unsupported_protocol}
 * or 401 {@code unauthorized} to the agent. Immutable; thread-safe.
 */
final class AgentCheck {
    private static final Logger log = LoggerFactory.getLogger(AgentCheck.class);

    private final byte[] expected;

    /** @param secret what agents must present as {@code Authorization: Bearer}; null accepts any caller */
    AgentCheck(String secret) {
        this.expected = secret == null ? null : AgentProtocol.bearer(secret).getBytes(StandardCharsets.US_ASCII);
    }

    void check(Context ctx) {
        String problem = AgentProtocol.versionProblem(ctx.header(AgentProtocol.VERSION_HEADER));
        if (problem != null) {
            log.warn("agent at {} refused on {}: {}", ctx.ip(), ctx.path(), problem);
            throw new InvalidRequestException(AgentProtocol.UNSUPPORTED_PROTOCOL, AgentProtocol.VERSION_HEADER, problem);
        }
        String auth = ctx.header(AgentProtocol.AUTH_HEADER);
        if (expected != null && (auth == null
                || !MessageDigest.isEqual(expected, auth.getBytes(StandardCharsets.US_ASCII)))) {
            String why = auth == null ? "no cluster secret" : "wrong cluster secret";
            log.warn("agent at {} refused on {}: {}", ctx.ip(), ctx.path(), why);
            throw new UnauthorizedException("agent calls need the cluster secret (" + why + ")");
        }
    }
}
