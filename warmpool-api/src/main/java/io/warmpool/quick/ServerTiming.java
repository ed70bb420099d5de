package io.warmpool.quick;

import java.util.Locale;

/**
 * The {@code Server-Timing} entries of a quick action's answer (W3C Server Timing: {@code name;dur=<ms>}, entries
 * joined by {@code ", "}), written by the agent ({@code browser}) and the gateway ({@code claim}, {@code agent},
 * {@code release}, {@code gateway}); one format for both sides of the wire. Stateless.
 */
public final class ServerTiming {
    /** The header's name. */
    public static final String HEADER = "Server-Timing";

    private ServerTiming() {
    }

    /** {@code name;dur=<ms with three decimals>} for {@code nanos} nanoseconds. */
    public static String entry(String name, long nanos) {
        return String.format(Locale.ROOT, "%s;dur=%.3f", name, nanos / 1e6);
    }

    /** {@code first, second}, leaving out what is null or empty. */
    public static String join(String first, String second) {
        if (first == null || first.isEmpty()) {
            return second;
        }
        return second == null || second.isEmpty() ? first : first + ", " + second;
    }

    /** The duration in milliseconds of entry {@code name} in {@code header}, or -1 when it has none. */
    public static double millis(String header, String name) {
        if (header == null) {
            return -1;
        }
        for (String entry : header.split(",")) {
            String[] parts = entry.trim().split(";");
            if (parts[0].equals(name)) {
                for (int i = 1; i < parts.length; i++) {
                    String p = parts[i].trim();
                    if (p.startsWith("dur=")) {
                        try {
                            return Double.parseDouble(p.substring(4));
                        } catch (NumberFormatException e) {
                            return -1;
                        }
                    }
                }
            }
        }
        return -1;
    }
}
