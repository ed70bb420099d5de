package io.warmpool.protocol;

/**
 * The gateway ↔ agent protocol, written once for both sides: its version, headers, paths and error codes.
 * The messages are in {@link AgentMessages}. Every request either side sends carries {@link #VERSION_HEADER};
 * a side that receives another version answers 400 {@link #UNSUPPORTED_PROTOCOL}. A request without the header
 * is taken as this version (tools such as curl, and agents older than the header). Constants only; thread-safe.
 */
public final class AgentProtocol {
    /** Bumped on any change a peer of the previous version would misread. */
    public static final int VERSION = 1;
    /** The protocol version of the sender, a decimal integer. */
    public static final String VERSION_HEADER = "X-Warmpool-Agent-Protocol";
    /** {@code Authorization: Bearer <cluster secret>} on every request but {@link #HEALTH}. */
    public static final String AUTH_HEADER = "Authorization";

    /** Milliseconds a quick action spent in the browser; on every quick action response. */
    public static final String BROWSER_MS_HEADER = "X-Browser-Ms-Used";
    /** Requests the egress guard refused during a quick action; on every successful quick action. */
    public static final String BLOCKED_HEADER = "X-Warmpool-Blocked";
    /** The first refused URLs, comma-separated, at most 1 KB; when any were. */
    public static final String BLOCKED_URLS_HEADER = "X-Warmpool-Blocked-Urls";

    // agent paths (served by the agent, called by the gateway)
    public static final String HEALTH = "/healthz";
    public static final String METRICS = "/metrics";
    /** GET lists ({@link AgentMessages.InstanceView}), POST starts ({@link AgentMessages.StartRequest}). */
    public static final String INSTANCES = "/instances";

    // gateway paths (served by the gateway, called by the agent)
    /** POST {@link AgentMessages.Heartbeat}; 202 when queued. */
    public static final String HEARTBEATS = "/internal/v1/heartbeats";
    /** POST {@link AgentMessages.Registration}; 200 when admitted. */
    public static final String REGISTRATIONS = "/internal/v1/agents";

    // error codes in {"success":false,"errors":[{"code",...}]}
    public static final String UNAUTHORIZED = "unauthorized";
    public static final String UNSUPPORTED_PROTOCOL = "unsupported_protocol";
    public static final String UNKNOWN_AGENT = "unknown_agent";
    public static final String UNKNOWN_REGION = "unknown_region";
    public static final String INVALID_JSON = "invalid_json";
    public static final String INVALID_FIELD = "invalid_field";
    public static final String QUEUE_FULL = "queue_full";

    private AgentProtocol() {
    }

    /** {@code DELETE} stops the instance. */
    public static String instance(String instanceId) {
        return INSTANCES + "/" + instanceId;
    }

    /** {@code POST} resets the instance for its next session. */
    public static String reset(String instanceId) {
        return instance(instanceId) + "/reset";
    }

    /** {@code POST} a quick action request; {@code action} is its path name ({@code screenshot}, ...). */
    public static String quick(String instanceId, String action) {
        return instance(instanceId) + "/quick/" + action;
    }

    /** The value of {@link #AUTH_HEADER} for {@code secret}. */
    public static String bearer(String secret) {
        return "Bearer " + secret;
    }

    /**
     * Null when a peer that sent {@code header} as its {@link #VERSION_HEADER} speaks this version (an absent header
     * counts as this version); otherwise the one line to answer and log.
     */
    public static String versionProblem(String header) {
        if (header == null || header.equals(Integer.toString(VERSION))) {
            return null;
        }
        return "agent protocol version " + header + " is not supported (this side speaks " + VERSION + ")";
    }
}
