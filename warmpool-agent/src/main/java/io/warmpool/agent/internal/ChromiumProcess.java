package io.warmpool.agent.internal;

import io.warmpool.process.ProcessGroup;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One running Chromium inside its process-group wrapper ({@link ProcessGroup}). The wrapper kills the whole
 * group with SIGKILL as soon as its stdin, held only by this object, closes, which also happens when the
 * agent dies. Thread-safe; {@link #stop} is idempotent.
 */
public final class ChromiumProcess {
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
        ProcessGroup.kill(wrapper, chromium, timeout);
    }

    /** True once {@code p} has exited (a zombie has: it only waits to be reaped). */
    static boolean gone(ProcessHandle p) {
        return ProcessGroup.gone(p);
    }

    static void deleteTree(Path dir) {
        ProcessGroup.deleteTree(dir);
    }
}
