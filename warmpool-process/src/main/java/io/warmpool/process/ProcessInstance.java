package io.warmpool.process;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One running process of a template: its group, loopback port, data directory and output. Thread-safe;
 * {@link #stop} is idempotent.
 */
public final class ProcessInstance {
    private final String id;
    private final ProcessGroup group;
    private final int port;
    private final Path dataDir;
    private final OutputDrain output;
    private final java.util.concurrent.atomic.AtomicBoolean reaped = new java.util.concurrent.atomic.AtomicBoolean();

    ProcessInstance(String id, ProcessGroup group, int port, Path dataDir, OutputDrain output) {
        this.id = id;
        this.group = group;
        this.port = port;
        this.dataDir = dataDir;
        this.output = output;
    }

    public String id() {
        return id;
    }

    /** The loopback port its {@code {port}} placeholder became. */
    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The command's process id, or -1 when it has not started or is gone. */
    public long pid() {
        return group.main().map(ProcessHandle::pid).orElse(-1L);
    }

    public boolean alive() {
        return group.alive();
    }

    /** Its last lines of output (stdout and stderr merged). */
    public java.util.List<String> outputTail() {
        return output.tail();
    }

    /** True the first time only: whoever gets true cleans up after its death. */
    boolean markReaped() {
        return reaped.compareAndSet(false, true);
    }

    OutputDrain output() {
        return output;
    }

    ProcessGroup group() {
        return group;
    }

    /** Stops it (SIGTERM, {@code grace}, then the group's SIGKILL) and deletes its data directory. */
    void stop(Duration grace) {
        group.stop(grace);
        ProcessGroup.deleteTree(dataDir);
    }
}
