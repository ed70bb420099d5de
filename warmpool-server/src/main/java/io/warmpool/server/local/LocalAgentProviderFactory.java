package io.warmpool.server.local;

import io.warmpool.BrowserKind;
import io.warmpool.ConfigException;
import io.warmpool.spi.InstanceProvider;
import io.warmpool.spi.InstanceProviderFactory;
import io.warmpool.spi.ProviderContext;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code local} provider: one agent process per region on this host, started by the gateway
 * ({@link LocalAgentProvider}). Its settings: {@code chromium}, {@code dataDir} (the agents' directory),
 * {@code heartbeatInterval} (ISO-8601), {@code agentSecret}, {@code java}, {@code classpath}, {@code egressAllow}
 * (comma-separated, may be empty), {@code headlessShell} (optional) and {@code browser.<pool>} ({@code headless-shell}
 * or {@code chromium}) for each pool. It calls its agents through the gateway's shared {@link AgentClient} when there
 * is one. Stateless.
 */
public final class LocalAgentProviderFactory implements InstanceProviderFactory {

    public static final String NAME = "local";
    private static final String BROWSER = "browser.";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public InstanceProvider create(ProviderContext c) {
        if (c.zones().isEmpty()) {
            throw new ConfigException("region " + c.region() + " has no zone for its local agent");
        }
        AgentClient client = c.service(AgentClient.class).orElseThrow(() -> new ConfigException(
                "the local provider needs the gateway's agent client (region " + c.region() + ")"));
        String headlessShell = c.settings().get("headlessShell");
        return new LocalAgentProvider(new LocalAgentProvider.Settings(c.region(), c.zones().get(0),
                Path.of(c.setting("chromium")), Path.of(c.setting("dataDir")), c.gatewayUrl(),
                duration(c, "heartbeatInterval"), c.setting("java"), c.setting("classpath"), c.setting("agentSecret"),
                list(c.setting("egressAllow")),
                new PoolBrowsers(headlessShell == null ? null : Path.of(headlessShell), browsers(c))),
                client, c.onAgentLost());
    }

    /** The settings {@link #create} reads, from a gateway's own figures. */
    public static Map<String, String> settings(Path chromium, Path agentsDir, Duration heartbeatInterval,
                                               String agentSecret, List<String> egressAllow, PoolBrowsers browsers) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("chromium", chromium.toString());
        s.put("dataDir", agentsDir.toString());
        s.put("heartbeatInterval", heartbeatInterval.toString());
        s.put("agentSecret", agentSecret);
        s.put("java", LocalAgentProvider.Settings.currentJava());
        s.put("classpath", System.getProperty("java.class.path"));
        s.put("egressAllow", String.join(",", egressAllow));
        if (browsers.headlessShell() != null) {
            s.put("headlessShell", browsers.headlessShell().toString());
        }
        browsers.byPool().forEach((pool, kind) -> s.put(BROWSER + pool, kind.configName()));
        return s;
    }

    private static Map<String, BrowserKind> browsers(ProviderContext c) {
        Map<String, BrowserKind> out = new LinkedHashMap<>();
        c.settings().forEach((key, value) -> {
            if (key.startsWith(BROWSER)) {
                out.put(key.substring(BROWSER.length()), BrowserKind.fromConfigName(value).orElseThrow(() ->
                        new ConfigException("provider setting " + key + " must be headless-shell or chromium (got '"
                                + value + "')")));
            }
        });
        return out;
    }

    private static Duration duration(ProviderContext c, String key) {
        try {
            return Duration.parse(c.setting(key));
        } catch (DateTimeParseException e) {
            throw new ConfigException("provider setting " + key + " must be an ISO-8601 duration (got '"
                    + c.setting(key) + "')");
        }
    }

    private static List<String> list(String commaSeparated) {
        return commaSeparated.isEmpty() ? List.of() : Arrays.asList(commaSeparated.split(","));
    }
}
