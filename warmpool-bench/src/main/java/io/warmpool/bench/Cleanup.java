package io.warmpool.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * What a benchmark main started, closed in reverse order when the main ends, or by a shutdown hook when the run is
 * interrupted (Ctrl-C, {@code timeout}'s SIGTERM), so that no gateway, agent or temp dir outlives it. Thread-safe;
 * closing twice is harmless.
 */
final class Cleanup implements AutoCloseable {
    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<AutoCloseable> resources = new ArrayDeque<>(); // guarded by lock
    private final Thread hook = new Thread(this::closeAll, "bench-cleanup");

    Cleanup() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Registers {@code resource} to be closed before everything registered earlier. */
    <T extends AutoCloseable> T add(T resource) {
        lock.lock();
        try {
            resources.push(resource);
            return resource;
        } finally {
            lock.unlock();
        }
    }

    /** A fresh temp dir, deleted with everything in it after what is registered later has been closed. */
    Path tempDir(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        add(() -> deleteTree(dir));
        return dir;
    }

    /** Deletes {@code dir} and everything in it, best effort (a file still vanishing is left to the OS). */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            System.err.println("cleanup: could not delete all of " + dir + ": " + e);
        }
    }

    @Override
    public void close() {
        closeAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running or has run
        }
    }

    private void closeAll() {
        lock.lock();
        try {
            while (!resources.isEmpty()) {
                try {
                    resources.pop().close();
                } catch (Exception e) {
                    System.err.println("cleanup: " + e);
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
