package io.warmpool.agent.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time and memory of a browser: its process and every descendant (renderers, GPU, zygote), read from the
 * operating system ({@code ProcessHandle}, and {@code /proc/<pid>/smaps_rollup} for proportional set size, so memory
 * shared between a browser's processes is counted once; resident set size where that file is missing). Stateless.
 */
final class ProcessUsage {
    /** @param cpu CPU time used so far; @param memoryBytes proportional (or resident) set size now */
    record Usage(Duration cpu, long memoryBytes) {
        static final Usage NONE = new Usage(Duration.ZERO, 0);

        Usage plus(Usage other) {
            return new Usage(cpu.plus(other.cpu), memoryBytes + other.memoryBytes);
        }
    }

    /** Clock ticks per second of {@code /proc/<pid>/stat}: 100 on every Linux architecture the JDK runs on. */
    private static final long USER_HZ = 100;

    private ProcessUsage() {
    }

    /** Readings of a tree whose processes keep changing before one is taken as it is. */
    private static final int CONSISTENT_TRIES = 5;

    /**
     * The usage of {@code pid} and its descendants; {@link Usage#NONE} for a process that is gone. The CPU times are
     * read again when a process of the tree was reaped or started while they were read: a renderer read as alive and
     * then folded into its parent's {@code cutime} would count twice, one reaped between its parent's reading and its
     * own would count nowhere, and the sum would go back at the next reading.
     */
    static Usage ofTree(long pid) {
        List<ProcessHandle> tree = tree(pid);
        Duration cpu = Duration.ZERO;
        for (int attempt = 0; attempt < CONSISTENT_TRIES; attempt++) {
            cpu = Duration.ZERO;
            for (ProcessHandle h : tree) {
                cpu = cpu.plus(cpu(h));
            }
            List<ProcessHandle> after = tree(pid);
            if (after.equals(tree)) {
                break;
            }
            tree = after;
        }
        long memory = 0;
        for (ProcessHandle h : tree) {
            memory += memory(h.pid());
        }
        return tree.isEmpty() ? Usage.NONE : new Usage(cpu, memory);
    }

    /** {@code pid} and its descendants, in a stable order (by pid), or empty when it is gone. */
    private static List<ProcessHandle> tree(long pid) {
        return ProcessHandle.of(pid).map(h -> Stream.concat(Stream.of(h), h.descendants())
                .sorted(Comparator.comparingLong(ProcessHandle::pid)).toList()).orElse(List.of());
    }

    /**
     * CPU time of {@code h} and of its children that have ended and been reaped ({@code cutime + cstime} of
     * {@code /proc/<pid>/stat}): a renderer that served one quick action and exited still counts, so the sum over a
     * tree only grows. {@code ProcessHandle}'s figure (the process alone) where {@code /proc} is missing.
     */
    private static Duration cpu(ProcessHandle h) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
            // fields after the command name, which is in parentheses and may hold spaces: state is field 3
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
            return Duration.ofMillis(ticks * 1000 / USER_HZ);
        } catch (IOException | RuntimeException e) {
            return h.info().totalCpuDuration().orElse(Duration.ZERO);
        }
    }

    private static long memory(long pid) {
        long pss = kilobytes(Path.of("/proc", Long.toString(pid), "smaps_rollup"), "Pss:");
        return (pss >= 0 ? pss : Math.max(0, kilobytes(Path.of("/proc", Long.toString(pid), "status"), "VmRSS:"))) * 1024;
    }

    /** The value in kB of the line starting with {@code field}, or -1 when the file or the line is missing. */
    private static long kilobytes(Path file, String field) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.filter(l -> l.startsWith(field)).findFirst()
                    .map(l -> Long.parseLong(l.substring(field.length()).trim().split("\\s+")[0])).orElse(-1L);
        } catch (IOException | RuntimeException e) {
            return -1; // the process ended meanwhile, or this is not Linux
        }
    }
}
