package io.warmpool.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warmpool.BrowserKind;
import io.warmpool.ConfigException;
import io.warmpool.core.PoolSettings;
import io.warmpool.core.sizing.SizingSettings;
import io.warmpool.quick.PageDefaults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads a gateway config from JSON. Keys not listed here are errors; durations are ISO-8601 ({@code PT5S}).
 * Missing keys take the demo's values. Stateless.
 */
public final class ConfigReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfigReader() {
    }

    public static GatewayConfig read(Path file, GatewayConfig defaults) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        return parse(text, defaults);
    }

    public static GatewayConfig parse(String json, GatewayConfig defaults) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ConfigException("config is not valid JSON: " + e.getOriginalMessage());
        }
        ObjectNode top = object("config", root);
        known("config", top, Set.of("bind", "port", "dataDir", "chromium", "defaultRegion", "regions", "locations",
                "pools", "heartbeat", "housekeepingInterval", "maxBodyBytes", "routing", "auth", "egress", "store", "ai",
                "proxy", "cluster"));
        Map<String, RegionConfig> regions = top.has("regions") ? regions(object("regions", top.get("regions")))
                : defaults.regions();
        Map<String, LocationMap.Entry> locations = new LinkedHashMap<>();
        if (top.has("locations")) {
            object("locations", top.get("locations")).fields()
                    .forEachRemaining(e -> locations.put(e.getKey(), location("locations." + e.getKey(), e.getValue(),
                            regions.keySet())));
        }
        Map<String, PoolSettings> pools = top.has("pools") ? pools(object("pools", top.get("pools"))) : defaults.pools();
        Map<String, ProcessPool> processPools = top.has("pools") ? ProcessPoolReader.read(object("pools", top.get("pools")))
                : defaults.processPools();
        return new GatewayConfig(
                top.has("bind") ? text("bind", top.get("bind")) : defaults.bind(),
                top.has("port") ? integer("port", top.get("port")) : defaults.port(),
                top.has("dataDir") ? Path.of(text("dataDir", top.get("dataDir"))) : defaults.dataDir(),
                top.has("chromium") ? Path.of(text("chromium", top.get("chromium"))) : defaults.chromium(),
                top.has("defaultRegion") ? text("defaultRegion", top.get("defaultRegion")) : defaults.defaultRegion(),
                regions,
                locations.isEmpty() ? defaults.locations() : LocationMap.withOverrides(locations),
                pools,
                top.has("heartbeat") ? heartbeat(object("heartbeat", top.get("heartbeat")), defaults.heartbeat())
                        : defaults.heartbeat(),
                top.has("housekeepingInterval") ? duration("housekeepingInterval", top.get("housekeepingInterval"))
                        : defaults.housekeepingInterval(),
                top.has("maxBodyBytes") ? integer("maxBodyBytes", top.get("maxBodyBytes")) : defaults.maxBodyBytes(),
                top.has("routing") ? routing(object("routing", top.get("routing")), defaults.routing()) : defaults.routing(),
                top.has("auth") ? auth(top.get("auth")) : defaults.auth(),
                top.has("egress") ? egress(object("egress", top.get("egress"))) : defaults.egressAllow(),
                top.has("store") ? store(object("store", top.get("store"))) : defaults.store(),
                top.has("ai") ? ai(object("ai", top.get("ai"))) : defaults.ai(),
                top.has("proxy") ? proxy(object("proxy", top.get("proxy")), defaults.proxy()) : defaults.proxy(),
                top.has("cluster") ? cluster(object("cluster", top.get("cluster"))) : defaults.clusterSecretFile(),
                processPools);
    }

    private static Path cluster(ObjectNode node) {
        known("cluster", node, Set.of("secretFile"));
        if (!node.has("secretFile")) {
            throw new ConfigException("cluster.secretFile is required in cluster (got " + node + ")");
        }
        return Path.of(text("cluster.secretFile", node.get("secretFile")));
    }

    private static ProxySettings proxy(ObjectNode node, ProxySettings d) {
        known("proxy", node, Set.of("pingInterval", "maxQueuedMessages", "maxQueuedBytes"));
        return new ProxySettings(
                node.has("pingInterval") ? duration("proxy.pingInterval", node.get("pingInterval")) : d.pingInterval(),
                node.has("maxQueuedMessages") ? integer("proxy.maxQueuedMessages", node.get("maxQueuedMessages"))
                        : d.maxQueuedMessages(),
                node.has("maxQueuedBytes") ? integer("proxy.maxQueuedBytes", node.get("maxQueuedBytes"))
                        : d.maxQueuedBytes());
    }

    private static AiSettings ai(ObjectNode node) {
        known("ai", node, Set.of("endpoint", "key", "model", "timeout"));
        java.net.URI endpoint = null;
        if (node.has("endpoint")) {
            try {
                endpoint = new java.net.URI(text("ai.endpoint", node.get("endpoint")));
            } catch (java.net.URISyntaxException e) {
                throw new ConfigException("ai.endpoint is not a URL (ai.endpoint=" + node.get("endpoint").asText() + ")");
            }
        }
        return new AiSettings(endpoint, node.has("key") ? text("ai.key", node.get("key")) : null,
                node.has("model") ? text("ai.model", node.get("model")) : null,
                node.has("timeout") ? duration("ai.timeout", node.get("timeout")) : AiSettings.NONE.timeout());
    }

    private static StoreSettings store(ObjectNode node) {
        known("store", node, Set.of("postgres", "schemaPrefix"));
        return new StoreSettings(node.has("postgres") ? text("store.postgres", node.get("postgres")) : null,
                node.has("schemaPrefix") ? text("store.schemaPrefix", node.get("schemaPrefix")) : "wp_");
    }

    private static List<String> egress(ObjectNode e) {
        known("egress", e, Set.of("allow"));
        return e.has("allow") ? strings("egress.allow", e.get("allow")) : List.of();
    }

    private static AuthSettings auth(JsonNode node) {
        if (node.isTextual()) {
            if (!node.asText().equals("none")) {
                throw new ConfigException("auth must be 'none' or an object with tenants (got '" + node.asText() + "')");
            }
            return AuthSettings.NONE;
        }
        ObjectNode a = object("auth", node);
        known("auth", a, Set.of("tenants", "anonymousLimits", "readOnlyKeys", "operators"));
        Map<String, AuthSettings.Tenant> tenants = new LinkedHashMap<>();
        if (a.has("tenants")) {
            object("auth.tenants", a.get("tenants")).fields().forEachRemaining(e -> {
                String path = "auth.tenants." + e.getKey();
                ObjectNode t = object(path, e.getValue());
                known(path, t, Set.of("keys", "limits"));
                List<String> keys = t.has("keys") ? strings(path + ".keys", t.get("keys")) : List.of();
                tenants.put(e.getKey(), new AuthSettings.Tenant(e.getKey(), keys,
                        t.has("limits") ? limits(path + ".limits", t.get("limits")) : AuthSettings.Limits.DEFAULT));
            });
        }
        AuthSettings.Limits anonymous = a.has("anonymousLimits") ? limits("auth.anonymousLimits", a.get("anonymousLimits"))
                : AuthSettings.Limits.DEFAULT;
        return new AuthSettings(tenants.isEmpty(), tenants, anonymous,
                a.has("readOnlyKeys") ? strings("auth.readOnlyKeys", a.get("readOnlyKeys")) : List.of(),
                a.has("operators") ? strings("auth.operators", a.get("operators")) : List.of());
    }

    private static AuthSettings.Limits limits(String path, JsonNode node) {
        ObjectNode l = object(path, node);
        known(path, l, Set.of("maxSessions", "sessionsPerMinute", "quickPerSecond"));
        AuthSettings.Limits d = AuthSettings.Limits.DEFAULT;
        return new AuthSettings.Limits(
                l.has("maxSessions") ? integer(path + ".maxSessions", l.get("maxSessions")) : d.maxSessions(),
                l.has("sessionsPerMinute") ? integer(path + ".sessionsPerMinute", l.get("sessionsPerMinute")) : d.sessionsPerMinute(),
                l.has("quickPerSecond") ? integer(path + ".quickPerSecond", l.get("quickPerSecond")) : d.quickPerSecond());
    }

    private static LocationMap.Entry location(String path, JsonNode node, Set<String> regions) {
        String region;
        List<String> zones = List.of();
        if (node.isTextual()) {
            region = node.asText();
        } else {
            ObjectNode o = object(path, node);
            known(path, o, Set.of("region", "zones"));
            if (!o.has("region")) {
                throw new ConfigException(path + ".region is required");
            }
            region = text(path + ".region", o.get("region"));
            zones = o.has("zones") ? strings(path + ".zones", o.get("zones")) : List.of();
        }
        if (!regions.contains(region) && !LocationMap.AREAS.contains(region)) {
            throw new ConfigException(path + " names unknown region '" + region + "' (configured: " + regions
                    + ", areas: " + LocationMap.AREAS.stream().sorted().toList() + ")");
        }
        if (!path.substring(path.indexOf('.') + 1).matches("[A-Za-z]{3}")) {
            throw new ConfigException(path + " must be keyed by a three-letter IATA code");
        }
        return new LocationMap.Entry(region, zones);
    }

    private static RoutingSettings routing(ObjectNode r, RoutingSettings d) {
        known("routing", r, Set.of("unknownLocations", "staleAfter", "holdFor"));
        boolean toDefault = d.unknownToDefault();
        if (r.has("unknownLocations")) {
            String policy = text("routing.unknownLocations", r.get("unknownLocations"));
            if (!policy.equals("reject") && !policy.equals("defaultRegion")) {
                throw new ConfigException("routing.unknownLocations must be 'reject' or 'defaultRegion' (got '" + policy + "')");
            }
            toDefault = policy.equals("defaultRegion");
        }
        return new RoutingSettings(toDefault,
                r.has("staleAfter") ? duration("routing.staleAfter", r.get("staleAfter")) : d.staleAfter(),
                r.has("holdFor") ? duration("routing.holdFor", r.get("holdFor")) : d.holdFor());
    }

    private static Map<String, RegionConfig> regions(ObjectNode node) {
        Map<String, RegionConfig> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            String path = "regions." + e.getKey();
            ObjectNode r = object(path, e.getValue());
            known(path, r, Set.of("backups", "zones", "agents"));
            String agents = r.has("agents") ? text(path + ".agents", r.get("agents")) : RegionConfig.LOCAL;
            List<String> backups = r.has("backups") ? strings(path + ".backups", r.get("backups")) : List.of();
            List<String> zones = r.has("zones") ? strings(path + ".zones", r.get("zones")) : List.of(e.getKey() + "-a");
            out.put(e.getKey(), new RegionConfig(e.getKey(), backups, zones, agents));
        });
        return out;
    }

    private static Map<String, PoolSettings> pools(ObjectNode node) {
        Map<String, PoolSettings> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            String path = "pools." + e.getKey();
            ObjectNode p = object(path, e.getValue());
            known(path, p, Set.of("version", "minIdle", "maxSize", "acquireTimeout", "maxUses", "maxLifetime",
                    "keepAlive", "maxKeepAlive", "staleAfter", "startParallelism", "startBackoffMax", "candidates",
                    "coldStartBudget", "shared", "keepaliveInterval", "maxWaiting", "browser", "sizing", "pageDefaults",
                    "template", "tcp"));
            PoolSettings.Builder b = PoolSettings.builder(e.getKey());
            with(p, "version", v -> b.version(text(path + ".version", v)));
            with(p, "minIdle", v -> b.minIdle(integer(path + ".minIdle", v)));
            with(p, "maxSize", v -> b.maxSize(integer(path + ".maxSize", v)));
            with(p, "acquireTimeout", v -> b.acquireTimeout(duration(path + ".acquireTimeout", v)));
            with(p, "maxUses", v -> b.maxUses(integer(path + ".maxUses", v)));
            with(p, "maxLifetime", v -> b.maxLifetime(duration(path + ".maxLifetime", v)));
            with(p, "keepAlive", v -> b.keepAlive(duration(path + ".keepAlive", v)));
            with(p, "maxKeepAlive", v -> b.maxKeepAlive(duration(path + ".maxKeepAlive", v)));
            with(p, "staleAfter", v -> b.staleAfter(duration(path + ".staleAfter", v)));
            with(p, "startParallelism", v -> b.startParallelism(integer(path + ".startParallelism", v)));
            with(p, "startBackoffMax", v -> b.startBackoffMax(duration(path + ".startBackoffMax", v)));
            with(p, "candidates", v -> b.candidates(integer(path + ".candidates", v)));
            with(p, "maxWaiting", v -> b.maxWaiting(integer(path + ".maxWaiting", v)));
            with(p, "coldStartBudget", v -> b.coldStartBudget(duration(path + ".coldStartBudget", v)));
            with(p, "keepaliveInterval", v -> b.keepaliveInterval(duration(path + ".keepaliveInterval", v)));
            with(p, "browser", v -> b.browser(BrowserKind.fromConfigName(v.isTextual() ? v.asText() : null)
                    .orElseThrow(() -> new ConfigException(path + ".browser must be \"headless-shell\" or \"chromium\" (got "
                            + v + ")"))));
            with(p, "shared", v -> {
                if (!v.isBoolean()) {
                    throw new ConfigException(path + ".shared must be true or false (got " + v + ")");
                }
                b.shared(v.asBoolean());
            });
            if (p.has("sizing")) {
                b.sizing(sizing(path + ".sizing", object(path + ".sizing", p.get("sizing")),
                        p.has("minIdle") ? integer(path + ".minIdle", p.get("minIdle")) : b.build().minIdle()));
            }
            if (p.has("pageDefaults")) {
                b.pageDefaults(pageDefaults(path + ".pageDefaults", object(path + ".pageDefaults", p.get("pageDefaults"))));
            }
            out.put(e.getKey(), b.build());
        });
        return out;
    }

    /**
     * {@code "pageDefaults": {"gotoTimeout": "PT30S", "maxGotoTimeout": "PT60S", "waitUntil": "domcontentloaded",
     * "viewport": {"width": 1920, "height": 1080}, "actionTimeout": "PT30S", "maxActionTimeout": "PT120S"}}: a pool's
     * own defaults and bounds for quick-action bodies; a key left out keeps Cloudflare's.
     */
    private static PageDefaults pageDefaults(String path, ObjectNode node) {
        known(path, node, Set.of("gotoTimeout", "maxGotoTimeout", "waitUntil", "viewport", "actionTimeout",
                "maxActionTimeout"));
        PageDefaults d = PageDefaults.CLOUDFLARE;
        int width = d.viewportWidth();
        int height = d.viewportHeight();
        if (node.has("viewport")) {
            ObjectNode v = object(path + ".viewport", node.get("viewport"));
            known(path + ".viewport", v, Set.of("width", "height"));
            width = v.has("width") ? integer(path + ".viewport.width", v.get("width")) : width;
            height = v.has("height") ? integer(path + ".viewport.height", v.get("height")) : height;
        }
        return new PageDefaults(
                node.has("gotoTimeout") ? duration(path + ".gotoTimeout", node.get("gotoTimeout")) : d.gotoTimeout(),
                node.has("maxGotoTimeout") ? duration(path + ".maxGotoTimeout", node.get("maxGotoTimeout"))
                        : d.maxGotoTimeout(),
                node.has("waitUntil") ? text(path + ".waitUntil", node.get("waitUntil")) : d.waitUntil(),
                width, height,
                node.has("actionTimeout") ? duration(path + ".actionTimeout", node.get("actionTimeout")) : d.actionTimeout(),
                node.has("maxActionTimeout") ? duration(path + ".maxActionTimeout", node.get("maxActionTimeout"))
                        : d.maxActionTimeout()).validated(path);
    }

    /** {@code "sizing": {"policy": "adaptive", "warmHitTarget": 0.995, "minIdle": 0, "coolDown": "PT5S", ...}}. */
    private static SizingSettings sizing(String path, ObjectNode node, int poolMinIdle) {
        known(path, node, Set.of("policy", "warmHitTarget", "minIdle", "coolDown", "keepOneFor"));
        SizingSettings.Builder b = SizingSettings.parse(
                node.has("policy") ? text(path + ".policy", node.get("policy")) : "adaptive", poolMinIdle);
        with(node, "warmHitTarget", v -> {
            if (!v.isNumber()) {
                throw new ConfigException(path + ".warmHitTarget must be a number (got " + v + ")");
            }
            b.warmHitTarget(v.asDouble());
        });
        b.minIdle(poolMinIdle); // adaptive's floor is the pool's minIdle unless the sizing block says otherwise
        with(node, "minIdle", v -> b.minIdle(integer(path + ".minIdle", v)));
        with(node, "coolDown", v -> b.coolDown(duration(path + ".coolDown", v)));
        with(node, "keepOneFor", v -> b.keepOneFor(duration(path + ".keepOneFor", v)));
        return b.build();
    }

    private static HeartbeatSettings heartbeat(ObjectNode h, HeartbeatSettings d) {
        known("heartbeat", h, Set.of("interval", "batchSize", "flushAfter", "retries", "queueCapacity"));
        return new HeartbeatSettings(
                h.has("interval") ? duration("heartbeat.interval", h.get("interval")) : d.interval(),
                h.has("batchSize") ? integer("heartbeat.batchSize", h.get("batchSize")) : d.batchSize(),
                h.has("flushAfter") ? duration("heartbeat.flushAfter", h.get("flushAfter")) : d.flushAfter(),
                h.has("retries") ? integer("heartbeat.retries", h.get("retries")) : d.retries(),
                h.has("queueCapacity") ? integer("heartbeat.queueCapacity", h.get("queueCapacity")) : d.queueCapacity());
    }

    private static void with(ObjectNode node, String key, Consumer<JsonNode> apply) {
        if (node.has(key)) {
            apply.accept(node.get(key));
        }
    }

    static void known(String path, ObjectNode node, Set<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw new ConfigException("unknown config key " + path + "." + key + " (known: "
                        + allowed.stream().sorted().toList() + ")");
            }
        }
    }

    static ObjectNode object(String path, JsonNode node) {
        if (node instanceof ObjectNode o) {
            return o;
        }
        throw new ConfigException(path + " must be a JSON object (got " + node.getNodeType() + ")");
    }

    static String text(String path, JsonNode node) {
        if (!node.isTextual()) {
            throw new ConfigException(path + " must be a string (got " + node + ")");
        }
        return node.asText();
    }

    static int integer(String path, JsonNode node) {
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new ConfigException(path + " must be an integer (got " + node + ")");
        }
        return node.asInt();
    }

    static Duration duration(String path, JsonNode node) {
        String t = text(path, node);
        try {
            return Duration.parse(t);
        } catch (DateTimeParseException e) {
            throw new ConfigException(path + " must be an ISO-8601 duration such as PT5S (got '" + t + "')");
        }
    }

    static List<String> strings(String path, JsonNode node) {
        if (!node.isArray()) {
            throw new ConfigException(path + " must be an array of strings (got " + node + ")");
        }
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(text(path + "[]", n)));
        return out;
    }
}
