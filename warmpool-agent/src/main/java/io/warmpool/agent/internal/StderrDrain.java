package io.warmpool.agent.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reads a Chromium wrapper's stderr on its own virtual thread until EOF, so the pipe never fills:
 * completes {@link #devtoolsUrl()} at the {@code DevTools listening on ws://...} line, keeps the last
 * 20 lines for diagnostics, and logs everything else at TRACE. Thread-safe.
 */
final class StderrDrain {
    private static final Logger log = LoggerFactory.getLogger(StderrDrain.class);
    private static final String DEVTOOLS = "DevTools listening on ";
    private static final int TAIL_LINES = 20;

    private final CompletableFuture<URI> devtoolsUrl = new CompletableFuture<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<String> tail = new ArrayDeque<>(); // guarded by lock

    static StderrDrain start(String instanceId, InputStream stderr) {
        StderrDrain drain = new StderrDrain();
        // a platform thread: a blocking pipe read would pin a virtual thread's carrier, and a few of them starve the agent
        Thread.ofPlatform().daemon().name("chromium-stderr-" + instanceId).start(() -> drain.run(instanceId, stderr));
        return drain;
    }

    /** Completes with the browser CDP URL, or exceptionally when stderr ends before it. */
    CompletableFuture<URI> devtoolsUrl() {
        return devtoolsUrl;
    }

    List<String> tail() {
        lock.lock();
        try {
            return List.copyOf(tail);
        } finally {
            lock.unlock();
        }
    }

    private void run(String instanceId, InputStream stderr) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                int at = line.indexOf(DEVTOOLS);
                if (at >= 0 && !devtoolsUrl.isDone()) {
                    try {
                        devtoolsUrl.complete(URI.create(line.substring(at + DEVTOOLS.length()).trim()));
                    } catch (IllegalArgumentException e) {
                        devtoolsUrl.completeExceptionally(new IllegalStateException("bad DevTools line: " + line));
                    }
                }
                if (!line.contains(":ERROR:dbus/")) { // there is no D-Bus next to a headless server: noise
                    remember(line);
                }
                log.trace("chromium {}: {}", instanceId, line);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("chromium {} stderr: {}", instanceId, e.toString());
        }
        devtoolsUrl.completeExceptionally(new IllegalStateException(
                "Chromium exited before DevTools was ready; last stderr: " + String.join(" | ", tail())));
    }

    private void remember(String line) {
        lock.lock();
        try {
            if (tail.size() == TAIL_LINES) {
                tail.removeFirst();
            }
            tail.addLast(line.length() > 300 ? line.substring(0, 300) + "..." : line);
        } finally {
            lock.unlock();
        }
    }
}
