package io.warmpool.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} options of the benchmark mains, each with a default and a bound; an unknown name or a
 * value out of range is an error that names it. Immutable.
 */
final class BenchOptions {
    private final Map<String, String> values;

    private BenchOptions(Map<String, String> values) {
        this.values = values;
    }

    static BenchOptions parse(String[] args, Set<String> known) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (name == null || !known.contains(name) || i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown option or missing value: '" + args[i] + "' (known: --"
                        + String.join(", --", known.stream().sorted().toList()) + ")");
            }
            values.put(name, args[++i]);
        }
        return new BenchOptions(values);
    }

    int count(String name, int dflt, int max) {
        int v = values.containsKey(name) ? Integer.parseInt(values.get(name)) : dflt;
        if (v < 1 || v > max) {
            throw new IllegalArgumentException("--" + name + " must be between 1 and " + max + " (got " + v + ")");
        }
        return v;
    }

    String text(String name, String dflt) {
        return values.getOrDefault(name, dflt);
    }

    Duration seconds(String name, int dflt, int max) {
        return Duration.ofSeconds(count(name, dflt, max));
    }

    /** An executable given as {@code --name}, else {@code dflt}. */
    Path path(String name, String dflt) {
        Path p = Path.of(values.getOrDefault(name, dflt));
        if (!p.toFile().canExecute()) {
            throw new IllegalArgumentException("--" + name + " " + p + " is not an executable");
        }
        return p;
    }

    Path chromium() {
        Path p = Path.of(values.getOrDefault("chromium", "/usr/bin/chromium"));
        if (!p.toFile().canExecute()) {
            throw new IllegalArgumentException("--chromium " + p + " is not an executable");
        }
        return p;
    }
}
