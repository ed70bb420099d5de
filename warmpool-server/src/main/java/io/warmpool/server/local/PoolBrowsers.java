package io.warmpool.server.local;

import io.warmpool.BrowserKind;
import io.warmpool.core.PoolSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which binary each pool's local instances run. A pool says {@code "browser": "headless-shell"} (the default) or
 * {@code "chromium"}; the headless shell is found on {@code PATH} as {@code chromium-headless-shell}. Without one,
 * pools that asked for it run full Chromium, and this is said once, at start, with how to install it.
 * Immutable and thread-safe.
 *
 * @param headlessShell the headless shell found, or null
 * @param byPool        the binary each pool's instances run
 */
public record PoolBrowsers(Path headlessShell, Map<String, BrowserKind> byPool) {
    private static final Logger log = LoggerFactory.getLogger(PoolBrowsers.class);
    public static final String HEADLESS_SHELL = "chromium-headless-shell";

    public PoolBrowsers {
        byPool = Map.copyOf(byPool);
    }

    /** Chooses for {@code pools}, looking for the headless shell on this process's {@code PATH}. */
    public static PoolBrowsers choose(Collection<PoolSettings> pools) {
        return choose(pools, findOnPath(HEADLESS_SHELL, System.getenv().getOrDefault("PATH", "")).orElse(null));
    }

    static PoolBrowsers choose(Collection<PoolSettings> pools, Path headlessShell) {
        Map<String, BrowserKind> byPool = new LinkedHashMap<>();
        List<String> downgraded = pools.stream().filter(p -> p.browser() == BrowserKind.HEADLESS_SHELL
                && headlessShell == null).map(PoolSettings::name).toList();
        for (PoolSettings p : pools) {
            byPool.put(p.name(), downgraded.contains(p.name()) ? BrowserKind.CHROMIUM : p.browser());
        }
        if (!downgraded.isEmpty()) {
            log.warn("{} not found on PATH: pools {} run full Chromium instead (slower quick actions, twice the memory); "
                    + "install it with `sudo apt-get install -y chromium-headless-shell`", HEADLESS_SHELL, downgraded);
        }
        return new PoolBrowsers(headlessShell, byPool);
    }

    /** The first executable called {@code name} in the directories of {@code path}. */
    public static Optional<Path> findOnPath(String name, String path) {
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir).resolve(name);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The binary for {@code pool}'s instances; null for a pool this gateway was not configured with. */
    public BrowserKind of(String pool) {
        return byPool.get(pool);
    }
}
