package io.warmpool.agent.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the real executable behind a distribution's one-line launcher script. Debian's
 * {@code /usr/bin/chromium-headless-shell} is {@code #!/bin/sh -e} plus {@code /usr/lib/chromium/chromium-headless-shell "$@"}
 * without {@code exec}: started through it, the browser would be a grandchild behind a shell, and the pid the agent
 * watches and reports would be the shell's. Stateless.
 */
public final class BrowserBinary {
    /** A script's one command: an absolute path, optionally after {@code exec}, followed by {@code "$@"}. */
    private static final Pattern ONE_COMMAND = Pattern.compile("(?:exec\\s+)?(/\\S+)\\s+\"\\$@\"\\s*");
    private static final long MAX_SCRIPT_BYTES = 1024;

    private BrowserBinary() {
    }

    /** The executable {@code binary} runs: itself, or the one command of a short launcher script. */
    public static Path unwrap(Path binary) {
        try {
            if (Files.size(binary) > MAX_SCRIPT_BYTES) {
                return binary;
            }
            List<String> lines = Files.readAllLines(binary).stream().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
            if (lines.size() != 1 || !Files.readString(binary).startsWith("#!")) {
                return binary;
            }
            Matcher m = ONE_COMMAND.matcher(lines.get(0));
            if (m.matches()) {
                Path target = Path.of(m.group(1));
                if (Files.isExecutable(target) && !Files.isDirectory(target)) {
                    return target;
                }
            }
            return binary;
        } catch (IOException | RuntimeException e) {
            return binary; // not a readable text file: a real binary, or one we leave alone
        }
    }
}
