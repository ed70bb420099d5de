package io.warmpool.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Looks for processes by their command line, and waits with a bounded poll instead of sleeping blindly. */
final class Processes {
    private Processes() {
    }

    /** Live processes (other than this JVM) whose command line mentions {@code dir}. */
    static List<ProcessHandle> mentioning(Path dir) {
        String needle = dir.toAbsolutePath().toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .filter(p -> p.info().commandLine().map(c -> c.contains(needle)).orElse(false))
                .toList();
    }

    /** Live Chromium processes (browser, renderers, crashpad) whose command line mentions {@code dir}. */
    static List<ProcessHandle> chromiumUnder(Path dir) {
        return mentioning(dir).stream()
                .filter(p -> p.info().command().map(c -> c.contains("chrom")).orElse(false))
                .toList();
    }

    /**
     * Platform threads an agent, its HTTP clients or Jetty start; none may outlive a test class. (The JDK's
     * own pools, such as "process reaper", keep idle threads for a while and are not ours to stop.)
     */
    static List<String> agentThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("warmpool-") || n.startsWith("HttpClient-") || n.startsWith("Jetty")
                        || n.startsWith("qtp"))
                .sorted().toList();
    }

    /** Polls {@code condition} every 50 ms until it holds or {@code timeout} passes; returns the last result. */
    static boolean await(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
