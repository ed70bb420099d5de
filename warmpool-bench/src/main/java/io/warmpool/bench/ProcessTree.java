package io.warmpool.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time and memory of this JVM and everything it started (agent JVMs, browsers, their renderers and utility
 * processes), by role, from {@code /proc}. A process's role: {@code bench JVM} (this one: the load client, and
 * the gateway when it runs in-process), {@code agent JVM}, {@code browser} (a Chromium main process),
 * {@code renderer}, {@code utility}, {@code gpu-process}, {@code zygote} (Chromium's {@code --type=}), {@code other}.
 *
 * <p>CPU is user + system time, plus the time of reaped children ({@code cutime + cstime}): a renderer that
 * lives for one quick action and exits between two snapshots is counted in its parent's children time, which this
 * reports under {@code renderer (reaped)} when the parent is a zygote. Linux only. Stateless.
 */
final class ProcessTree {
    /** Clock ticks per second of {@code /proc/<pid>/stat} times (USER_HZ, 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessTree() {
    }

    /** CPU seconds so far, by role, of this JVM and all its descendants. */
    static Map<String, Double> cpuSeconds() {
        Map<String, Double> out = new TreeMap<>();
        for (ProcessHandle p : tree()) {
            long[] t = times(p.pid());
            if (t == null) {
                continue;
            }
            String role = role(p);
            out.merge(role, t[0] / TICKS_PER_SECOND, Double::sum);
            String reaped = role.equals("zygote") ? "renderer (reaped)" : role + " (reaped children)";
            if (t[1] > 0) {
                out.merge(reaped, t[1] / TICKS_PER_SECOND, Double::sum);
            }
        }
        return out;
    }

    /** {@code after - before}, by role. */
    static Map<String, Double> minus(Map<String, Double> after, Map<String, Double> before) {
        Map<String, Double> out = new TreeMap<>();
        after.forEach((role, s) -> out.put(role, s - before.getOrDefault(role, 0.0)));
        before.forEach((role, s) -> out.putIfAbsent(role, -s));
        return out;
    }

    /** Proportional set size in kB, by role, of the processes {@code root} and its descendants. */
    static Map<String, Long> pssKb(ProcessHandle root) {
        Map<String, Long> out = new TreeMap<>();
        for (ProcessHandle p : Stream.concat(Stream.of(root), root.descendants()).toList()) {
            out.merge(role(p), pss(p.pid()), Long::sum);
        }
        return out;
    }

    /** CPU seconds so far of {@code pid} and its descendants, reaped children included. */
    static double cpuSecondsOf(long pid) {
        return ProcessHandle.of(pid).map(root -> Stream.concat(Stream.of(root), root.descendants())
                .map(p -> times(p.pid())).filter(java.util.Objects::nonNull)
                .mapToDouble(t -> (t[0] + t[1]) / TICKS_PER_SECOND).sum()).orElse(0.0);
    }

    /**
     * The browser-level CDP endpoint of a Chromium main process, from the {@code DevToolsActivePort} file in its
     * {@code --user-data-dir} (port, then path), or null.
     */
    static java.net.URI devtoolsUrl(ProcessHandle browser) {
        for (String arg : commandLine(browser.pid()).split("\0")) {
            if (arg.startsWith("--user-data-dir=")) {
                try {
                    List<String> lines = Files.readAllLines(Path.of(arg.substring("--user-data-dir=".length()),
                            "DevToolsActivePort"));
                    return java.net.URI.create("ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim());
                } catch (IOException | RuntimeException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** The agent JVMs among this JVM's descendants. */
    static List<ProcessHandle> agents() {
        return ProcessHandle.current().descendants().filter(p -> role(p).equals("agent JVM")).toList();
    }

    /** The Chromium main processes among {@code root}'s descendants. */
    static List<ProcessHandle> browsers(ProcessHandle root) {
        return root.descendants().filter(p -> role(p).equals("browser")).toList();
    }

    private static List<ProcessHandle> tree() {
        return Stream.concat(Stream.of(ProcessHandle.current()), ProcessHandle.current().descendants()).toList();
    }

    static String role(ProcessHandle p) {
        if (p.pid() == ProcessHandle.current().pid()) {
            return "bench JVM";
        }
        String cmd = commandLine(p.pid());
        if (cmd.contains("io.warmpool.agent.AgentMain")) {
            return "agent JVM";
        }
        if (!cmd.contains("chrom")) {
            return "other";
        }
        // Chromium's children rewrite their command line (setproctitle): one string, arguments split by spaces
        String[] args = cmd.split("[\0 ]");
        if (!args[0].contains("chrom")) {
            return "other"; // the setsid / sh wrappers, whose arguments name the browser
        }
        for (String a : args) {
            if (a.startsWith("--type=")) {
                String type = a.substring("--type=".length());
                return type.equals("utility") || type.equals("renderer") || type.equals("zygote")
                        || type.equals("gpu-process") ? type : "other";
            }
        }
        return "browser";
    }

    /** {user+system, children user+system} in ticks, or null when the process is gone. */
    private static long[] times(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the comm field: state is f[0]; utime, stime, cutime, cstime are fields 14-17 of the file
            return new long[]{Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[13]) + Long.parseLong(f[14])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long pss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone meanwhile
        }
        return 0;
    }

    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
