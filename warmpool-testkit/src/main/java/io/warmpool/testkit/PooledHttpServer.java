package io.warmpool.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A few lines of Python that tests pool as a process: an HTTP server on {@code 127.0.0.1:<port>} that answers
 * {@code GET /} with {@code {"pid":…,"count":…}} (count: GETs since start or the last reset), {@code GET /health}
 * with 200, {@code POST /reset} by setting count to 0, and prints {@code listening on <port>} once bound.
 */
public final class PooledHttpServer {
    private static final String SCRIPT = """
            import http.server, json, os, sys
            count = 0
            class H(http.server.BaseHTTPRequestHandler):
                def log_message(self, *a):
                    pass
                def answer(self, status, body):
                    data = json.dumps(body).encode()
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                def do_GET(self):
                    global count
                    if self.path == "/health":
                        return self.answer(200, {"ok": True})
                    count += 1
                    self.answer(200, {"pid": os.getpid(), "count": count})
                def do_POST(self):
                    global count
                    if self.path == "/reset":
                        count = 0
                        return self.answer(200, {"reset": True})
                    self.answer(404, {})
            server = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H)
            print("listening on", sys.argv[1], flush=True)
            server.serve_forever()
            """;

    private PooledHttpServer() {
    }

    /** Writes the script into {@code dir} and answers the command line that runs it on {@code {port}}. */
    public static List<String> command(Path dir) {
        try {
            Path script = dir.resolve("pooled_server.py");
            Files.writeString(script, SCRIPT);
            return List.of("python3", "-u", script.toString(), "{port}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls {@code condition} every 20 ms until it holds or {@code timeout} passes; returns whether it held. */
    public static boolean await(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (condition.getAsBoolean()) {
                return true;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
        return condition.getAsBoolean();
    }

    /** Whether process {@code pid} is gone (exited; a zombie counts as gone). */
    public static boolean gone(long pid) {
        return ProcessHandle.of(pid).map(p -> {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                char state = stat.charAt(stat.lastIndexOf(')') + 2);
                return state == 'Z' || state == 'X';
            } catch (IOException | RuntimeException e) {
                return !p.isAlive();
            }
        }).orElse(true);
    }

    /** Processes whose command line mentions {@code text} (from {@code /proc}). */
    public static List<Long> mentioning(String text) {
        try (var dirs = Files.list(Path.of("/proc"))) {
            return dirs.filter(d -> d.getFileName().toString().matches("\\d+")).filter(d -> {
                try {
                    return new String(Files.readAllBytes(d.resolve("cmdline"))).replace('\0', ' ').contains(text);
                } catch (IOException e) {
                    return false;
                }
            }).map(d -> Long.parseLong(d.getFileName().toString())).filter(p -> !gone(p)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
