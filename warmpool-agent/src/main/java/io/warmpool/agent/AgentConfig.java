package io.warmpool.agent;

import io.warmpool.BrowserKind;
import io.warmpool.ConfigException;
import io.warmpool.agent.internal.AddressPolicy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * An agent's settings, validated once on construction; each failure names the field, the rule and the
 * value. Durations are ISO-8601 ({@code PT5S}) on the command line. Immutable.
 *
 * @param port              HTTP port on 127.0.0.1; 0 picks a free one
 * @param gateway           base URL heartbeats go to; {@code null} sends none
 * @param heartbeatInterval time between heartbeat reports
 * @param startTimeout      how long one Chromium may take to report its DevTools endpoint
 * @param sparePage         keep one blank page in its own context ready for each browser's next quick action
 *                          (faster quick actions; a CDP session client listing all targets can see it)
 * @param allow             what pages may reach besides public addresses: comma-separated CIDRs, addresses and
 *                          host names ({@code --allow 127.0.0.1/32,intranet.example}); empty for nothing
 * @param headlessShell     the {@code chromium-headless-shell} executable for pools that ask for it; {@code null}
 *                          when this agent has none (such starts then fail with {@code browser_unavailable})
 * @param secret            when set, every API call but {@code GET /healthz} needs {@code Authorization: Bearer <secret>},
 *                          and heartbeats carry it; from the environment variable {@value #SECRET_ENV}, never a flag
 */
public record AgentConfig(String agentId, String region, String zone, int port, Path chromium, Path dataDir,
                          URI gateway, Duration heartbeatInterval, Duration startTimeout, boolean sparePage,
                          String allow, Path headlessShell, String secret) {
    /** The environment variable holding the shared secret (see {@link #secret()}). */
    public static final String SECRET_ENV = "WARMPOOL_AGENT_SECRET";
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);
    public static final String USAGE = "usage: AgentMain --agent-id ID --region R --zone Z --port N --chromium PATH"
            + " --data-dir DIR [--gateway URL] [--heartbeat-interval PT5S] [--start-timeout PT30S] [--spare-page true|false]"
            + " [--allow CIDR|ADDRESS|HOST,...] [--headless-shell PATH]; environment: " + SECRET_ENV;
    private static final Set<String> REQUIRED = Set.of("agent-id", "region", "zone", "port", "chromium", "data-dir");
    private static final Set<String> OPTIONAL = Set.of("gateway", "heartbeat-interval", "start-timeout", "spare-page",
            "allow", "headless-shell");

    public AgentConfig {
        name("agentId", agentId);
        name("region", region);
        name("zone", zone);
        if (port < 0 || port > 65_535) {
            throw new ConfigException("port must be between 0 and 65535 (port=" + port + ")");
        }
        if (chromium == null || !Files.isExecutable(chromium) || Files.isDirectory(chromium)) {
            throw new ConfigException("chromium must be an executable file (chromium=" + chromium + ")");
        }
        if (dataDir == null) {
            throw new ConfigException("dataDir must be given (dataDir=null)");
        }
        if (gateway != null && (gateway.getHost() == null || !Set.of("http", "https").contains(gateway.getScheme()))) {
            throw new ConfigException("gateway must be an http(s) URL with a host (gateway=" + gateway + ")");
        }
        positive("heartbeatInterval", heartbeatInterval, Duration.ofHours(1));
        positive("startTimeout", startTimeout, Duration.ofMinutes(10));
        allow = allow == null ? "" : allow.trim();
        AddressPolicy.allowing(allow); // fails with the bad entry named
        if (headlessShell != null && (!Files.isExecutable(headlessShell) || Files.isDirectory(headlessShell))) {
            throw new ConfigException("headlessShell must be an executable file (headlessShell=" + headlessShell + ")");
        }
        secret = secret == null || secret.isEmpty() ? null : secret;
    }

    /** The browser binaries this agent can start: always full Chromium, the headless shell when given. */
    public Map<BrowserKind, Path> browsers() {
        Map<BrowserKind, Path> out = new EnumMap<>(BrowserKind.class);
        out.put(BrowserKind.CHROMIUM, chromium);
        if (headlessShell != null) {
            out.put(BrowserKind.HEADLESS_SHELL, headlessShell);
        }
        return out;
    }

    /** The egress policy pages run under. */
    public AddressPolicy egressPolicy() {
        return AddressPolicy.allowing(allow);
    }

    /** Parses the command line with the secret taken from this process's environment. */
    public static AgentConfig fromArgs(String... args) {
        return fromArgs(System.getenv(), args);
    }

    @Override
    public String toString() {
        return "AgentConfig[agentId=" + agentId + ", region=" + region + ", zone=" + zone + ", port=" + port
                + ", chromium=" + chromium + ", dataDir=" + dataDir + ", gateway=" + gateway + ", heartbeatInterval="
                + heartbeatInterval + ", startTimeout=" + startTimeout + ", sparePage=" + sparePage + ", allow=" + allow
                + ", headlessShell=" + headlessShell
                + ", secret=" + (secret == null ? "none" : "(set)") + "]";
    }

    /** Parses {@code --name value} (or {@code --name=value}) options (see {@link #USAGE}) and {@code env}'s secret. */
    public static AgentConfig fromArgs(Map<String, String> env, String... args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new ConfigException("unexpected argument '" + arg + "'; " + USAGE);
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                throw new ConfigException("option --" + name + " needs a value");
            }
            if (!REQUIRED.contains(name) && !OPTIONAL.contains(name)) {
                throw new ConfigException("unknown option --" + name + "; " + USAGE);
            }
            if (options.put(name, value) != null) {
                throw new ConfigException("option --" + name + " is given twice");
            }
        }
        for (String name : REQUIRED.stream().sorted().toList()) {
            if (!options.containsKey(name)) {
                throw new ConfigException("missing option --" + name + "; " + USAGE);
            }
        }
        return new AgentConfig(options.get("agent-id"), options.get("region"), options.get("zone"),
                integer("port", options.get("port")), Path.of(options.get("chromium")), Path.of(options.get("data-dir")),
                options.containsKey("gateway") ? uri("gateway", options.get("gateway")) : null,
                duration("heartbeat-interval", options.get("heartbeat-interval"), DEFAULT_HEARTBEAT_INTERVAL),
                duration("start-timeout", options.get("start-timeout"), DEFAULT_START_TIMEOUT),
                bool("spare-page", options.getOrDefault("spare-page", "true")), options.get("allow"),
                options.containsKey("headless-shell") ? Path.of(options.get("headless-shell")) : null,
                env.get(SECRET_ENV));
    }

    private static void name(String field, String value) {
        if (value == null || !value.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new ConfigException(field + " must be 1-64 letters, digits, '.', '_' or '-' (" + field + "=" + value + ")");
        }
    }

    private static void positive(String field, Duration value, Duration max) {
        if (value == null || value.isNegative() || value.isZero() || value.compareTo(max) > 0) {
            throw new ConfigException(field + " must be positive and at most " + max + " (" + field + "=" + value + ")");
        }
    }

    private static boolean bool(String option, String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException("--" + option + " must be true or false (got '" + value + "')");
        };
    }

    private static int integer(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ConfigException("--" + option + " must be an integer (got '" + value + "')");
        }
    }

    private static URI uri(String option, String value) {
        try {
            return new URI(value);
        } catch (java.net.URISyntaxException e) {
            throw new ConfigException("--" + option + " must be a URL (got '" + value + "')");
        }
    }

    private static Duration duration(String option, String value, Duration dflt) {
        if (value == null) {
            return dflt;
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new ConfigException("--" + option + " must be an ISO-8601 duration such as PT5S (got '" + value + "')");
        }
    }
}
