package io.warmpool.process;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A command run in a process group of its own that cannot outlive its owner:
 * {@code setsid -w sh -c '"$0" "$@" </dev/null & read _ ; kill -9 0' <command>}. The wrapper shell waits on its
 * stdin, held only by this object, and kills its whole group with SIGKILL as soon as that closes, which also
 * happens when the owning JVM dies, even by SIGKILL. The agent starts Chromium this way; pooled processes start the
 * same way. Thread-safe; {@link #kill} is idempotent. Linux only ({@code setsid}, {@code /proc}).
 */
public final class ProcessGroup {
    private static final Logger log = LoggerFactory.getLogger(ProcessGroup.class);
    /** The wrapper: runs the command in the background, then kills the group once its stdin closes. */
    public static final String WRAPPER_SCRIPT = "\"$0\" \"$@\" </dev/null & read _ ; kill -9 0";

    private final Process wrapper;
    private volatile ProcessHandle main; // the wrapper's child, once seen (it stays a zombie child until the group dies)

    private ProcessGroup(Process wrapper) {
        this.wrapper = wrapper;
    }

    /**
     * The command line that runs {@code command} under the group wrapper.
     */
    public static List<String> wrap(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("setsid", "-w", "sh", "-c", WRAPPER_SCRIPT));
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * Starts {@code command} under the wrapper; its stdout and stderr, merged, are {@link #output()}.
     *
     * @param environment added to (and overriding) this JVM's environment
     * @param workingDir  null: this JVM's
     */
    public static ProcessGroup start(List<String> command, Map<String, String> environment, Path workingDir)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(wrap(command)).redirectErrorStream(true);
        builder.environment().putAll(environment);
        if (workingDir != null) {
            builder.directory(workingDir.toFile());
        }
        return new ProcessGroup(builder.start());
    }

    /** Wraps a wrapper started elsewhere (the agent's Chromium launcher sets up its own redirects). */
    public static ProcessGroup of(Process wrapper) {
        return new ProcessGroup(wrapper);
    }

    /** The command's process (the wrapper shell's child), once it exists. */
    public Optional<ProcessHandle> main() {
        ProcessHandle seen = main;
        if (seen == null) {
            seen = wrapper.toHandle().children().findFirst().orElse(null);
            main = seen;
        }
        return Optional.ofNullable(seen);
    }

    /** The merged stdout and stderr of the command; read it steadily or the command blocks on a full pipe. */
    public java.io.InputStream output() {
        return wrapper.getInputStream();
    }

    /**
     * Whether the command is still running: false once it exited, even while the wrapper still waits; true while the
     * wrapper has yet to fork it.
     */
    public boolean alive() {
        if (!wrapper.isAlive()) {
            return false;
        }
        Optional<ProcessHandle> command = main();
        return command.isEmpty() || !gone(command.get());
    }

    /**
     * Asks the command to stop (SIGTERM), waits up to {@code grace} for it to exit, then kills the whole group
     * (closing the wrapper's stdin) and waits up to 5 s for every member to be gone, killing stragglers directly.
     */
    public void stop(Duration grace) {
        Optional<ProcessHandle> main = main();
        if (main.isPresent() && !grace.isZero() && !gone(main.get())) {
            main.get().destroy();
            long deadline = System.nanoTime() + grace.toNanos();
            try {
                while (!gone(main.get()) && System.nanoTime() - deadline < 0) {
                    Thread.sleep(10);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        kill(wrapper, main.orElse(null), Duration.ofSeconds(5));
    }

    /** Kills a wrapper's process group at once; see {@link #stop(Duration)}. */
    public void kill() {
        kill(wrapper, main().orElse(null), Duration.ofSeconds(5));
    }

    /**
     * Kills a wrapper's process group: closes its stdin so that it runs {@code kill -9 0}, waits up to
     * {@code timeout} for the group to be gone, and kills any straggler directly.
     *
     * @param main the command's process when known (it may have left the wrapper's children already), or null
     */
    public static void kill(Process wrapper, ProcessHandle main, Duration timeout) {
        List<ProcessHandle> group = Stream.concat(Stream.of(wrapper.toHandle()),
                Stream.concat(wrapper.descendants(), Stream.ofNullable(main))).toList();
        try {
            wrapper.getOutputStream().close(); // the wrapper's "read" returns and it runs "kill -9 0"
        } catch (IOException e) {
            log.debug("closing wrapper stdin: {}", e.toString());
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            wrapper.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            // the others are not our children: ProcessHandle.onExit would poll them slowly, and a killed
            // process counts as alive until someone reaps it, so watch /proc for "gone or zombie"
            while (group.stream().anyMatch(p -> !gone(p)) && System.nanoTime() - deadline < 0) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle p : group) {
            if (!gone(p)) {
                log.warn("process {} survived its group kill; killing it directly", p.pid());
                p.destroyForcibly();
            }
        }
    }

    /** True once {@code p} has exited (a zombie has: it only waits to be reaped). */
    public static boolean gone(ProcessHandle p) {
        if (!p.isAlive()) {
            return true; // also when the pid was reaped and reused: isAlive compares start times
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state == 'Z' || state == 'X';
        } catch (IOException | RuntimeException e) {
            return !p.isAlive(); // the /proc entry vanished meanwhile, or this is not Linux
        }
    }

    /** Deletes {@code dir} and everything under it, retrying a few times for files that are still vanishing. */
    public static void deleteTree(Path dir) {
        for (int attempt = 0; attempt < 3 && Files.exists(dir); attempt++) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        // a file may still be vanishing; the next attempt retries
                    }
                });
            } catch (IOException | RuntimeException e) {
                log.debug("deleting {}: {}", dir, e.toString());
            }
        }
        if (Files.exists(dir)) {
            log.warn("could not delete {}", dir);
        }
    }
}
