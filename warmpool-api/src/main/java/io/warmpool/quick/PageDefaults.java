package io.warmpool.quick;

import io.warmpool.ConfigException;

import java.time.Duration;
import java.util.Set;

/**
 * What a quick action's page gets when its body is silent, and how far a body may go: Cloudflare's values
 * ({@link #CLOUDFLARE}) unless a pool's config ({@code "pageDefaults": {...}}) says otherwise. Immutable; build one with
 * {@link #validated(String)}, which names the config key, the rule and the value of the first thing wrong.
 *
 * @param gotoTimeout      default of {@code gotoOptions.timeout} and {@code waitForSelector.timeout}
 * @param maxGotoTimeout   the most a body may ask for in {@code gotoOptions.timeout}, {@code waitForSelector.timeout}
 *                         and {@code waitForTimeout}
 * @param waitUntil        default of {@code gotoOptions.waitUntil}
 * @param viewportWidth    default viewport width, CSS pixels
 * @param viewportHeight   default viewport height, CSS pixels
 * @param actionTimeout    default of {@code actionTimeout}: the capture after the page has loaded
 * @param maxActionTimeout the most a body may ask for in {@code actionTimeout}
 */
public record PageDefaults(Duration gotoTimeout, Duration maxGotoTimeout, String waitUntil, int viewportWidth,
                           int viewportHeight, Duration actionTimeout, Duration maxActionTimeout) {
    static final Set<String> WAIT_UNTIL = Set.of("load", "domcontentloaded", "networkidle0", "networkidle2");
    /** The longest any timeout may be set to, by a pool or a body. */
    public static final Duration CEILING = Duration.ofMinutes(10);
    public static final int MAX_VIEWPORT = 8192;

    /** Cloudflare's: goto timeout 30 s (at most 60 s), domcontentloaded, 1920x1080, action timeout 30 s (at most 120 s). */
    public static final PageDefaults CLOUDFLARE = new PageDefaults(Duration.ofSeconds(30), Duration.ofSeconds(60),
            "domcontentloaded", 1920, 1080, Duration.ofSeconds(30), Duration.ofSeconds(120));

    /**
     * Cloudflare's defaults with every bound at {@link #CEILING}: what an agent checks against, since the gateway has
     * already held the body to its pool's bounds and filled in its pool's defaults.
     */
    public static final PageDefaults AGENT = new PageDefaults(CLOUDFLARE.gotoTimeout, CEILING, CLOUDFLARE.waitUntil,
            CLOUDFLARE.viewportWidth, CLOUDFLARE.viewportHeight, CLOUDFLARE.actionTimeout, CEILING);

    /**
     * Checks every setting; {@code path} names them in errors ({@code "pools.browser.pageDefaults"}).
     *
     * @throws ConfigException naming the key, the rule and the value
     */
    public PageDefaults validated(String path) {
        timeout(path + ".maxGotoTimeout", maxGotoTimeout, CEILING);
        timeout(path + ".gotoTimeout", gotoTimeout, maxGotoTimeout);
        timeout(path + ".maxActionTimeout", maxActionTimeout, CEILING);
        timeout(path + ".actionTimeout", actionTimeout, maxActionTimeout);
        if (waitUntil == null || !WAIT_UNTIL.contains(waitUntil)) {
            throw new ConfigException(path + ".waitUntil must be one of " + Checks.sorted(WAIT_UNTIL)
                    + " (waitUntil=" + waitUntil + ")");
        }
        pixels(path + ".viewport.width", viewportWidth);
        pixels(path + ".viewport.height", viewportHeight);
        return this;
    }

    public int gotoTimeoutMillis() {
        return (int) gotoTimeout.toMillis();
    }

    public int maxGotoTimeoutMillis() {
        return (int) maxGotoTimeout.toMillis();
    }

    public int actionTimeoutMillis() {
        return (int) actionTimeout.toMillis();
    }

    public int maxActionTimeoutMillis() {
        return (int) maxActionTimeout.toMillis();
    }

    private static void timeout(String key, Duration value, Duration max) {
        if (value == null || value.toMillis() < 1 || value.compareTo(max) > 0) {
            throw new ConfigException(key + " must be between PT0.001S and " + max + " (" + key.substring(
                    key.lastIndexOf('.') + 1) + "=" + value + ")");
        }
    }

    private static void pixels(String key, int value) {
        if (value < 1 || value > MAX_VIEWPORT) {
            throw new ConfigException(key + " must be between 1 and " + MAX_VIEWPORT + " (" + key.substring(
                    key.lastIndexOf('.') + 1) + "=" + value + ")");
        }
    }
}
