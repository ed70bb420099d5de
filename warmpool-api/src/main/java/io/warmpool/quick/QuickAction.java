package io.warmpool.quick;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one-request actions an agent runs next to its browser, named as in Cloudflare Browser Run's REST API.
 * {@link #JSON} is the gateway's: it runs {@link #MARKDOWN} at the agent and asks the configured model.
 */
public enum QuickAction {
    SCREENSHOT, PDF, CONTENT, MARKDOWN, LINKS, SCRAPE, SNAPSHOT, JSON;

    public String path() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the answer is raw bytes (image, PDF) rather than the JSON envelope. */
    public boolean binary() {
        return this == SCREENSHOT || this == PDF;
    }

    public static Optional<QuickAction> fromPath(String path) {
        for (QuickAction a : values()) {
            if (a.path().equals(path)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** The known paths, for error messages. */
    public static String known() {
        return Arrays.stream(values()).map(QuickAction::path).collect(Collectors.joining(", "));
    }
}
