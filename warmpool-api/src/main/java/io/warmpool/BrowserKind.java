package io.warmpool;

import java.util.Arrays;
import java.util.Optional;

/**
 * Which browser binary a pool's instances run. The headless shell ({@code chromium-headless-shell}) is the
 * default: it starts in a third of the time, idles at half the memory and makes a fresh browser context per
 * quick action nearly free. Full Chromium ({@code chromium}) stays selectable for sessions that need it.
 */
public enum BrowserKind {
    HEADLESS_SHELL("headless-shell"),
    CHROMIUM("chromium");

    private final String configName;

    BrowserKind(String configName) {
        this.configName = configName;
    }

    /** The name used in configs and on the agent protocol: {@code headless-shell} or {@code chromium}. */
    public String configName() {
        return configName;
    }

    public static Optional<BrowserKind> fromConfigName(String name) {
        return Arrays.stream(values()).filter(k -> k.configName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return configName;
    }
}
