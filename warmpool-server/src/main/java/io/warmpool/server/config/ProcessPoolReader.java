package io.warmpool.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warmpool.ConfigException;
import io.warmpool.process.ProcessTemplate;
import io.warmpool.process.Readiness;
import io.warmpool.process.Reset;
import io.warmpool.process.ResourceLimits;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

import static io.warmpool.server.config.ConfigReader.duration;
import static io.warmpool.server.config.ConfigReader.known;
import static io.warmpool.server.config.ConfigReader.object;
import static io.warmpool.server.config.ConfigReader.strings;
import static io.warmpool.server.config.ConfigReader.text;

/**
 * Reads the process pools of a config's {@code pools}: each pool with a {@code template} whose only key is
 * {@code process}, its keys named as {@link ProcessTemplate.Builder}'s methods:
 * <pre>{@code
 * "template": {"process": {
 *     "command": ["python3", "-m", "http.server", "{port}", "--bind", "127.0.0.1"],
 *     "env": {"HOME": "{dataDir}"}, "workingDir": "/srv",
 *     "readiness": {"http": "http://127.0.0.1:{port}/health"} | {"tcp": true} | {"outputLine": "listening on"},
 *     "startTimeout": "PT10S", "stopTimeout": "PT2S",
 *     "reset": "none" | "replace" | {"command": ["./clean", "{dataDir}"]} | {"httpCall": "http://127.0.0.1:{port}/reset"},
 *     "limits": {"addressSpaceBytes": 1073741824, "cpuSeconds": 600, "openFiles": 1024}}},
 * "tcp": true
 * }</pre>
 * Unknown keys are errors naming the key; browser-only keys on a process pool are errors. Stateless.
 */
final class ProcessPoolReader {
    private static final Set<String> BROWSER_ONLY = Set.of("browser", "pageDefaults");

    private ProcessPoolReader() {
    }

    /** The process pools among {@code pools}, by name (pools without a template are browser pools). */
    static Map<String, ProcessPool> read(ObjectNode pools) {
        Map<String, ProcessPool> out = new LinkedHashMap<>();
        pools.fields().forEachRemaining(e -> {
            String path = "pools." + e.getKey();
            ObjectNode p = object(path, e.getValue());
            if (!p.has("template")) {
                if (p.has("tcp")) {
                    throw new ConfigException(path + ".tcp needs a process template (" + path + ".template is missing)");
                }
                return;
            }
            for (String key : BROWSER_ONLY) {
                if (p.has(key)) {
                    throw new ConfigException(path + "." + key + " applies to browser pools only (" + path
                            + " has a process template)");
                }
            }
            ObjectNode t = object(path + ".template", p.get("template"));
            known(path + ".template", t, Set.of("process"));
            if (!t.has("process")) {
                throw new ConfigException(path + ".template must hold \"process\" (got " + t + ")");
            }
            boolean tcp = false;
            if (p.has("tcp")) {
                if (!p.get("tcp").isBoolean()) {
                    throw new ConfigException(path + ".tcp must be true or false (got " + p.get("tcp") + ")");
                }
                tcp = p.get("tcp").asBoolean();
            }
            out.put(e.getKey(), new ProcessPool(template(path + ".template.process", t.get("process")), tcp));
        });
        return out;
    }

    static ProcessTemplate template(String path, JsonNode node) {
        ObjectNode n = object(path, node);
        known(path, n, Set.of("command", "env", "workingDir", "readiness", "startTimeout", "stopTimeout", "reset",
                "limits"));
        if (!n.has("command")) {
            throw new ConfigException(path + ".command is required (an array: the executable, then its arguments)");
        }
        List<String> command = strings(path + ".command", n.get("command"));
        if (command.isEmpty() || command.getFirst().isBlank()) {
            throw new ConfigException(path + ".command must name an executable first (command=" + command + ")");
        }
        ProcessTemplate.Builder b = ProcessTemplate.builder(command.toArray(String[]::new));
        if (n.has("env")) {
            object(path + ".env", n.get("env")).fields().forEachRemaining(v ->
                    b.env(v.getKey(), text(path + ".env." + v.getKey(), v.getValue())));
        }
        if (n.has("workingDir")) {
            b.workingDir(Path.of(text(path + ".workingDir", n.get("workingDir"))));
        }
        if (n.has("readiness")) {
            b.readiness(readiness(path + ".readiness", n.get("readiness")));
        }
        if (n.has("startTimeout")) {
            b.startTimeout(duration(path + ".startTimeout", n.get("startTimeout")));
        }
        if (n.has("stopTimeout")) {
            b.stopTimeout(duration(path + ".stopTimeout", n.get("stopTimeout")));
        }
        if (n.has("reset")) {
            b.reset(reset(path + ".reset", n.get("reset")));
        }
        if (n.has("limits")) {
            b.limits(limits(path + ".limits", n.get("limits")));
        }
        try {
            return b.build();
        } catch (ConfigException e) { // its field names are the builder's: say where in the config they are
            throw new ConfigException(path + ": " + e.getMessage());
        }
    }

    private static Readiness readiness(String path, JsonNode node) {
        ObjectNode r = one(path, node, Set.of("http", "tcp", "outputLine"));
        if (r.has("http")) {
            return Readiness.http(url(path + ".http", r.get("http")));
        }
        if (r.has("tcp")) {
            if (!r.get("tcp").isBoolean() || !r.get("tcp").asBoolean()) {
                throw new ConfigException(path + ".tcp must be true (got " + r.get("tcp") + ")");
            }
            return Readiness.tcp();
        }
        String regex = text(path + ".outputLine", r.get("outputLine"));
        try {
            return Readiness.outputLine(regex);
        } catch (PatternSyntaxException e) {
            throw new ConfigException(path + ".outputLine must be a regular expression (got '" + regex + "': "
                    + e.getDescription() + ")");
        }
    }

    private static Reset reset(String path, JsonNode node) {
        if (node.isTextual()) {
            return switch (node.asText()) {
                case "none" -> Reset.none();
                case "replace" -> Reset.replace();
                default -> throw new ConfigException(path + " must be \"none\", \"replace\", {\"command\": [...]} or "
                        + "{\"httpCall\": \"<url>\"} (got '" + node.asText() + "')");
            };
        }
        ObjectNode r = one(path, node, Set.of("command", "httpCall"));
        if (r.has("httpCall")) {
            return Reset.httpCall(url(path + ".httpCall", r.get("httpCall")));
        }
        List<String> command = strings(path + ".command", r.get("command"));
        if (command.isEmpty()) {
            throw new ConfigException(path + ".command must name an executable (command=[])");
        }
        return Reset.command(command.toArray(String[]::new));
    }

    private static ResourceLimits limits(String path, JsonNode node) {
        ObjectNode l = object(path, node);
        known(path, l, Set.of("addressSpaceBytes", "cpuSeconds", "openFiles"));
        return new ResourceLimits(count(path + ".addressSpaceBytes", l.get("addressSpaceBytes")),
                count(path + ".cpuSeconds", l.get("cpuSeconds")), count(path + ".openFiles", l.get("openFiles")));
    }

    private static long count(String path, JsonNode node) {
        if (node == null) {
            return 0;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 0) {
            throw new ConfigException(path + " must be an integer >= 0, 0 for none (got " + node + ")");
        }
        return node.asLong();
    }

    /** An object with exactly one of {@code keys}. */
    private static ObjectNode one(String path, JsonNode node, Set<String> keys) {
        ObjectNode o = object(path, node);
        known(path, o, keys);
        if (o.size() != 1) {
            throw new ConfigException(path + " must hold exactly one of " + keys.stream().sorted().toList() + " (got "
                    + o + ")");
        }
        return o;
    }

    private static String url(String path, JsonNode node) {
        String url = text(path, node);
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new ConfigException(path + " must be an http:// or https:// URL (got '" + url + "')");
        }
        return url;
    }
}
