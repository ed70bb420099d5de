package io.warmpool.agent.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One running Chromium inside its process-group wrapper ({@code setsid sh}). The wrapper kills the whole
 * group with SIGKILL as soon as its stdin, held only by this object, closes, which also happens when the
 * agent dies. Thread-safe; {@link #stop} is idempotent.
 */
public final class ChromiumProcess {
    private static final Logger log = LoggerFactory.getLogger(ChromiumProcess.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final Process wrapper;
    private final ProcessHandle chromium;
    private final Path userDataDir;
    private final Path tmpDir;
    private final URI cdpUrl;
    private final StderrDrain stderr;

    ChromiumProcess(Process wrapper, ProcessHandle chromium, Path userDataDir, Path tmpDir, URI cdpUrl,
                    StderrDrain stderr) {
        this.tmpDir = tmpDir;
        this.wrapper = wrapper;
        this.chromium = chromium;
        this.userDataDir = userDataDir;
        this.cdpUrl = cdpUrl;
        this.stderr = stderr;
    }

    /** The browser-level DevTools WebSocket URL. */
    public URI cdpUrl() {
        return cdpUrl;
    }

    /** The Chromium main process id (a child of the wrapper shell). */
    public long pid() {
        return chromium.pid();
    }

    public Path userDataDir() {
        return userDataDir;
    }

    /** Completes when the Chromium main process has exited. */
    public CompletableFuture<ProcessHandle> onExit() {
        return chromium.onExit();
    }

    /** The last lines Chromium wrote to stderr, for diagnostics. */
    public List<String> stderrTail() {
        return stderr.tail();
    }

    /**
     * Kills the process group (closing the wrapper's stdin), waits up to 5 s for it to die, kills any
     * straggler directly, and deletes the user-data-dir. Safe to call from any thread, more than once.
     */
    public void stop() {
        killGroup(wrapper, chromium, STOP_TIMEOUT);
        deleteTree(userDataDir);
        deleteTree(tmpDir);
    }

    /** Kills a wrapper's process group; used for a wrapper that never became a {@code ChromiumProcess} too. */
    static void killGroup(Process wrapper, ProcessHandle chromium, Duration timeout) {
        List<ProcessHandle> group = Stream.concat(Stream.of(wrapper.toHandle()),
                Stream.concat(wrapper.descendants(), Stream.ofNullable(chromium))).toList();
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
    static boolean gone(ProcessHandle p) {
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

    static void deleteTree(Path dir) {
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
