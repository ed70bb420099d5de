package io.warmpool.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Reads a process's output to its end on a virtual thread, so that the process never blocks on a full pipe; keeps
 * the last {@link #TAIL} lines for error messages and completes {@link #matched()} at the first line matching the
 * readiness pattern, if any. Thread-safe.
 */
final class OutputDrain {
    static final int TAIL = 20;

    private final ArrayDeque<String> tail = new ArrayDeque<>(); // guarded by itself
    private final CompletableFuture<String> matched = new CompletableFuture<>();

    private OutputDrain() {
    }

    /** @param pattern null: nothing to match */
    static OutputDrain start(String name, InputStream output, Pattern pattern) {
        OutputDrain drain = new OutputDrain();
        Thread.ofVirtual().name("output-" + name).start(() -> drain.read(output, pattern));
        return drain;
    }

    private void read(InputStream output, Pattern pattern) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (tail) {
                    if (tail.size() == TAIL) {
                        tail.removeFirst();
                    }
                    tail.addLast(line.length() > 500 ? line.substring(0, 500) + "…" : line);
                }
                if (pattern != null && !matched.isDone() && pattern.matcher(line).find()) {
                    matched.complete(line);
                }
            }
        } catch (IOException e) {
            // the process is gone and its pipe closed under us: nothing more to read
        }
    }

    /** Completes with the first line that matched the readiness pattern. */
    CompletableFuture<String> matched() {
        return matched;
    }

    List<String> tail() {
        synchronized (tail) {
            return List.copyOf(tail);
        }
    }
}
