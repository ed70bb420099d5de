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
    /** 404: no instance of that id on the agent. */
    public static final String INSTANCE_NOT_FOUND = "instance_not_found";
    /** 410: the instance's browser died. */
    public static final String INSTANCE_DEAD = "instance_dead";
    public static final String INVALID_TARGET = "invalid_target";

    // a relayed CDP connection (client -> gateway -> agent -> browser): the same close codes on both hops
    /** One message larger than a hop's whole byte bound. */
    public static final int CLOSE_TOO_BIG = 1009;
    /** The far side failed or could not be reached. */
    public static final int CLOSE_UPSTREAM_FAILED = 1011;
    /** The far side is not reading: a hop's queue is at its bound in messages or bytes. */
    public static final int CLOSE_NOT_READING = 1013;
    /**
     * The session is over for this socket: released, expired, or its instance reset or stopped on the agent. The
     * agent closes its relayed sockets with it when it resets or stops an instance; the gateway passes it on.
     */
    public static final int CLOSE_SESSION_ENDED = 4000;
    /** The largest CDP message either hop relays, in bytes (a full-page screenshot of a long page is several MB). */
    public static final long MAX_CDP_MESSAGE_BYTES = 256L * 1024 * 1024;
    /**
     * On a {@link #devtools} upgrade: the most client messages the agent may queue for the browser on this connection,
     * a decimal integer; the agent uses the smaller of this and its own bound. Absent: the agent's bound.
     */
    public static final String RELAY_MAX_MESSAGES_HEADER = "X-Warmpool-Relay-Max-Messages";
    /** Like {@link #RELAY_MAX_MESSAGES_HEADER}, in bytes (characters of text frames). */
    public static final String RELAY_MAX_BYTES_HEADER = "X-Warmpool-Relay-Max-Bytes";

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

    /**
     * WebSocket upgrade: the agent relays the connection to the CDP endpoint of the instance's browser. {@code target}
     * is {@code browser} or {@code page/<targetId>} (see {@link #isDevtoolsTarget}); checked like every other call
     * ({@link #VERSION_HEADER}, {@link #AUTH_HEADER}) before the upgrade.
     */
    public static String devtools(String instanceId, String target) {
        return instance(instanceId) + "/devtools/" + target;
    }

    /**
     * {@code GET} (or {@code PUT} for {@code new}) one of the browser's own HTTP endpoints, {@code /json/<what>}, relayed
     * by the agent with the query string; {@code what} is one {@link #isBrowserJson} accepts. The browser's status and
     * body come back unchanged; 502 {@code browser_failed} when it does not answer.
     */
    public static String browserJson(String instanceId, String what) {
        return instance(instanceId) + "/json/" + what;
    }

    /** Whether the agent relays {@code /json/<what>}: {@code version}, {@code list}, {@code protocol}, {@code new},
     * {@code activate/<id>}, {@code close/<id>}. */
    public static boolean isBrowserJson(String what) {
        return what.matches("version|list|protocol|new|(activate|close)/[A-Za-z0-9]{1,64}");
    }

    /** Whether {@code target} names a CDP target the relay serves: {@code browser} or {@code page/<1-64 letters or digits>}. */
    public static boolean isDevtoolsTarget(String target) {
        return target.equals("browser") || target.matches("page/[A-Za-z0-9]{1,64}");
    }

    /** {@code agentUrl + path} with the scheme for a WebSocket: {@code http} becomes {@code ws}, {@code https} {@code wss}. */
    public static String webSocketUrl(String agentUrl, String path) {
        String base = agentUrl.startsWith("https://") ? "wss://" + agentUrl.substring(8)
                : agentUrl.startsWith("http://") ? "ws://" + agentUrl.substring(7) : agentUrl;
        return base + path;
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
