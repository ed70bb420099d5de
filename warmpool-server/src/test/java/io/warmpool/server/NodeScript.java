package io.warmpool.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one of the client scripts in src/test/js with node (Puppeteer/Playwright installed by `npm ci`). */
final class NodeScript implements AutoCloseable {
    static final Path DIR = Path.of("src/test/js").toAbsolutePath();

    private final Process process;
    private final java.io.BufferedReader out;

    private NodeScript(Process process) {
        this.process = process;
        this.out = process.inputReader(StandardCharsets.UTF_8);
    }

    static NodeScript start(String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of("node", DIR.resolve(script).toString()));
        cmd.addAll(List.of(args));
        try {
            return new NodeScript(new ProcessBuilder(cmd).directory(DIR.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run node: " + e.getMessage(), e);
        }
    }

    /** Runs to completion (bounded) and returns its last JSON line; fails when it exits non-zero. */
    static JsonNode run(String script, String... args) {
        try (NodeScript s = start(script, args)) {
            JsonNode last = null;
            JsonNode line;
            while ((line = s.nextLine()) != null) {
                last = line;
            }
            int code = s.waitFor(60);
            if (code != 0) {
                throw new AssertionError(script + " exited with " + code);
            }
            return last;
        }
    }

    /** The next JSON line it prints, or null at its end. */
    JsonNode nextLine() {
        try {
            String l = out.readLine();
            return l == null ? null : TestGateway.JSON.readTree(l);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes one line to its stdin (for scripts that take commands). */
    void send(String line) {
        try {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        } catch (IOException e) {
            throw new IllegalStateException("node script gone: " + e.getMessage(), e);
        }
    }

    int waitFor(int seconds) {
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                throw new AssertionError("node script did not finish in " + seconds + " s");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly); // a browser it launched, if it did not close it
        process.destroyForcibly();
    }
}
