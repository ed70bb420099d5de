package io.warmpool.quick;

import java.util.Locale;
import java.util.Optional;

/** The one-request actions an agent runs next to its browser. */
public enum QuickAction {
    SCREENSHOT, PDF, CONTENT;

    public String path() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<QuickAction> fromPath(String path) {
        for (QuickAction a : values()) {
            if (a.path().equals(path)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
