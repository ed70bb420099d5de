package io.warmpool.server;

/** Reads one sample out of the Prometheus text format, for tests. */
final class PromText {
    private PromText() {
    }

    /** The value of the sample {@code name} carrying every given label pair; 0 when there is none yet. */
    static double value(String text, String name, String... labels) {
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            boolean all = true;
            for (int i = 0; i + 1 < labels.length; i += 2) {
                all &= line.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
            }
            if (all) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}
