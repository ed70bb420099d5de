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
 * with 200, {@code POST /reset} by setting count to 0, and prints {@code listening on <port>} once bound. For the
 * gateway's proxy: {@code POST /echo} reads the body, then sends it back; {@code GET /headers} answers the request's
 * path and headers; {@code GET /ws} is a WebSocket echoing text and binary messages; {@code GET /stream} sends {@code first\n}, then
 * waits for a {@code POST /go-on} before it sends {@code last\n} and closes ({@code gave up\n} after 30 s without one). One thread per connection.
 */
public final class PooledHttpServer {
    private static final String SCRIPT = """
            import base64, hashlib, http.server, json, os, struct, sys, threading
            count = 0
            go_on = threading.Event()
            GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
            class H(http.server.BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"
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
                    if self.path.startswith("/headers"):
                        return self.answer(200, {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}})
                    if self.path == "/ws" and self.headers.get("Upgrade", "").lower() == "websocket":
                        return self.websocket()
                    if self.path == "/stream":
                        self.send_response(200)
                        self.send_header("Content-Type", "text/plain")
                        self.send_header("Connection", "close")
                        self.end_headers()
                        self.wfile.write(b"first\\n")
                        self.wfile.flush()
                        released = go_on.wait(30)
                        go_on.clear()
                        self.wfile.write(b"last\\n" if released else b"gave up\\n")
                        self.close_connection = True
                        return
                    count += 1
                    self.answer(200, {"pid": os.getpid(), "count": count})
                def do_POST(self):
                    global count
                    if self.path == "/go-on":
                        go_on.set()
                        return self.answer(200, {})
                    if self.path == "/reset":
                        count = 0
                        return self.answer(200, {"reset": True})
                    if self.path == "/echo":
                        data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                        self.send_response(200)
                        self.send_header("Content-Type", "application/octet-stream")
                        self.send_header("Content-Length", str(len(data)))
                        self.end_headers()
                        for at in range(0, len(data), 65536):
                            self.wfile.write(data[at:at + 65536])
                        return
                    self.answer(404, {})
                def websocket(self):
                    accept = base64.b64encode(hashlib.sha1((self.headers["Sec-WebSocket-Key"] + GUID).encode()).digest()).decode()
                    self.send_response(101)
                    self.send_header("Upgrade", "websocket")
                    self.send_header("Connection", "Upgrade")
                    self.send_header("Sec-WebSocket-Accept", accept)
                    self.end_headers()
                    self.wfile.flush()
                    while True:
                        head = self.rfile.read(2)
                        if len(head) < 2:
                            return
                        op, n = head[0] & 0x0F, head[1] & 0x7F
                        if n == 126:
                            n = struct.unpack(">H", self.rfile.read(2))[0]
                        elif n == 127:
                            n = struct.unpack(">Q", self.rfile.read(8))[0]
                        mask = self.rfile.read(4) if head[1] & 0x80 else b"\\0\\0\\0\\0"
                        data = bytearray(self.rfile.read(n))
                        for i in range(len(data)):
                            data[i] ^= mask[i % 4]
                        if op == 8:
                            self.frame(8, bytes(data[:2]))
                            return
                        if op == 9:
                            self.frame(10, bytes(data))
                        elif op in (1, 2):
                            self.frame(op, bytes(data))
                def frame(self, op, data):
                    n = len(data)
                    head = bytes([0x80 | op]) + (bytes([n]) if n < 126 else bytes([126]) + struct.pack(">H", n) if n < 65536 else bytes([127]) + struct.pack(">Q", n))
                    self.wfile.write(head + data)
                    self.wfile.flush()
            server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H)
            server.daemon_threads = True
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
