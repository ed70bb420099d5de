package io.warmpool.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Every process's full command line, read from /proc (ProcessHandle may truncate long ones). Linux only. */
final class Processes {
    record Proc(long pid, List<String> argv) {
        String line() {
            return String.join(" ", argv);
        }

        /** A browser process of either binary a pool may run: full Chromium or the headless shell. */
        boolean isChromium() {
            return !argv.isEmpty() && (argv.get(0).endsWith("/chromium") || argv.get(0).endsWith("/chromium-headless-shell"))
                    && !line().startsWith("sh ");
        }
    }

    private Processes() {
    }

    /**
     * The browser processes themselves: a browser binary, not one of its children ({@code --type=}), and not a fork
     * of a browser that has not exec'd yet (which still shows its parent's command line for a moment).
     */
    static List<Proc> browsers(String marker) {
        List<Proc> all = all();
        java.util.Map<Long, Proc> byPid = new java.util.HashMap<>();
        all.forEach(p -> byPid.put(p.pid(), p));
        return all.stream()
                .filter(p -> p.line().contains(marker) && p.isChromium() && !p.line().contains("--type="))
                .filter(p -> {
                    Proc parent = byPid.get(parent(p.pid()));
                    return parent == null || !parent.isChromium();
                })
                .toList();
    }

    /** The parent pid from /proc/PID/stat (0 when the process is gone). */
    static long parent(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[1]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static List<Proc> all() {
        List<Proc> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(Path.of("/proc"))) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String name = d.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    byte[] raw = Files.readAllBytes(d.resolve("cmdline"));
                    if (raw.length == 0) {
                        continue;
                    }
                    List<String> argv = List.of(new String(raw, java.nio.charset.StandardCharsets.UTF_8).split("\0"));
                    out.add(new Proc(Long.parseLong(name), argv));
                } catch (IOException | SecurityException e) {
                    // the process ended while we looked
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** Processes whose command line mentions {@code marker}. */
    static List<Proc> mentioning(String marker) {
        return all().stream().filter(p -> p.line().contains(marker)).toList();
    }
}
