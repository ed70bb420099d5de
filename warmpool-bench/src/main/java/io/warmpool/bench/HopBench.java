package io.warmpool.bench;

import io.warmpool.server.local.AgentConnections;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;

/**
 * One loopback HTTP hop as the gateway makes it to its agent: a POST of a small JSON body answered with
 * {@code --bytes} of PNG-sized payload by a Javalin server configured as the agent's (virtual threads, no
 * compression), one request at a time. Clients: the JDK {@link HttpClient} as {@code AgentClient} builds it
 * (HTTP/1.1, a virtual-thread executor), the same client with its default executor, a blocking HTTP/1.1 client
 * on one kept-alive socket, and the gateway's pooled keep-alive client for quick actions ({@link AgentConnections}). Per client and round: p50 and p90 of the round trip and this JVM's CPU per request (server
 * and client both run here). Rounds interleave the clients; compare within a round. Bounded in count.
 *
 * <pre>
 * java -cp "$CP" io.warmpool.bench.HopBench [--requests 300] [--rounds 3] [--bytes 30000]
 * </pre>
 */
public final class HopBench {
    private static final Set<String> OPTIONS = Set.of("requests", "rounds", "bytes");
    private static final byte[] BODY = "{\"url\":\"http://127.0.0.1:1/\"}".getBytes(StandardCharsets.UTF_8);

    private interface Client extends AutoCloseable {
        byte[] post(String url) throws Exception;
    }

    private HopBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions o = BenchOptions.parse(args, OPTIONS);
        int requests = o.count("requests", 300, 100_000);
        int rounds = o.count("rounds", 3, 50);
        byte[] payload = new byte[o.count("bytes", 30_000, 10_000_000)];
        Javalin server = Javalin.create(c -> {
            c.concurrency.useVirtualThreads = true;
            c.startup.showJavalinBanner = false;
            c.http.compressionStrategy = CompressionStrategy.NONE;
            c.routes.post("/quick", ctx -> ctx.status(200).contentType("image/png").result(payload));
        }).start("127.0.0.1", 0);
        String url = "http://127.0.0.1:" + server.port() + "/quick";
        Map<String, Client> clients = new LinkedHashMap<>();
        clients.put("JDK HttpClient, virtual-thread executor (AgentClient)", jdk(true));
        clients.put("JDK HttpClient, default executor", jdk(false));
        clients.put("blocking socket, keep-alive", new SocketClient(server.port()));
        clients.put("pooled keep-alive connections (AgentConnections, quick actions)", pooled());
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        TextTable table = new TextTable("round", "client", "n", "errors", "p50 ms", "p90 ms", "CPU ms per request");
        try {
            for (int round = 0; round <= rounds; round++) {
                for (Map.Entry<String, Client> c : clients.entrySet()) {
                    int n = round == 0 ? 200 : requests; // round 0 warms up (JIT)
                    long[] nanos = new long[n];
                    int ok = 0;
                    int errors = 0;
                    String firstError = null;
                    long cpu0 = os.getProcessCpuTime();
                    for (int i = 0; i < n; i++) {
                        long t0 = System.nanoTime();
                        try {
                            if (c.getValue().post(url).length != payload.length) {
                                throw new IllegalStateException(c.getKey() + " got a short answer");
                            }
                            nanos[ok++] = System.nanoTime() - t0;
                        } catch (java.io.IOException e) { // a kept-alive connection the server closed, say
                            errors++;
                            firstError = firstError == null ? e.toString() : firstError;
                        }
                    }
                    double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6 / n;
                    if (firstError != null) {
                        System.out.println("round " + round + ", " + c.getKey() + ": " + errors + " failed, first: " + firstError);
                    }
                    if (round > 0 && ok > 0) {
                        Percentiles p = Percentiles.of(java.util.Arrays.copyOf(nanos, ok));
                        table.row(round, c.getKey(), ok, errors, p.p50(), p.ms(0.90), cpuMs);
                    }
                }
            }
        } finally {
            for (Client c : clients.values()) {
                c.close();
            }
            server.stop();
        }
        System.out.println(table);
        System.out.println(MachineInfo.loadAverage());
    }

    private static Client jdk(boolean virtualThreads) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
                .version(HttpClient.Version.HTTP_1_1);
        if (virtualThreads) {
            b.executor(Executors.newVirtualThreadPerTaskExecutor());
        }
        HttpClient http = b.build();
        return new Client() {
            @Override
            public byte[] post(String url) throws Exception {
                return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(BODY))
                        .build(), HttpResponse.BodyHandlers.ofByteArray()).body();
            }

            @Override
            public void close() {
                http.close();
            }
        };
    }

    /** What the gateway's quick-action calls use now: {@link AgentConnections}, with the agent protocol's headers. */
    private static Client pooled() {
        AgentConnections connections = new AgentConnections();
        Map<String, String> headers = Map.of("Content-Type", "application/json", "X-Warmpool-Agent-Protocol", "1");
        return new Client() {
            @Override
            public byte[] post(String url) throws Exception {
                return connections.post(URI.create(url), headers, BODY, Duration.ofSeconds(10)).body();
            }

            @Override
            public void close() {
                connections.close();
            }
        };
    }

    /** HTTP/1.1 on one socket: request head and body in one write, then a Content-Length answer read in full. */
    private static final class SocketClient implements Client {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        SocketClient(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            in = new BufferedInputStream(socket.getInputStream(), 65_536);
            out = socket.getOutputStream();
        }

        @Override
        public byte[] post(String url) throws IOException {
            URI uri = URI.create(url);
            byte[] head = ("POST " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + BODY.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] request = new byte[head.length + BODY.length];
            System.arraycopy(head, 0, request, 0, head.length);
            System.arraycopy(BODY, 0, request, head.length, BODY.length);
            out.write(request);
            out.flush();
            int length = -1;
            boolean chunked = false;
            List<String> lines = new ArrayList<>();
            for (String line = readLine(); !line.isEmpty(); line = readLine()) {
                lines.add(line);
                if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Integer.parseInt(line.substring(15).trim());
                } else if (line.regionMatches(true, 0, "Transfer-Encoding:", 0, 18)) {
                    chunked = line.toLowerCase(java.util.Locale.ROOT).contains("chunked");
                }
            }
            if (chunked) {
                java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
                for (int size = chunkSize(); size > 0; size = chunkSize()) {
                    body.write(in.readNBytes(size));
                    readLine(); // the CRLF after the chunk
                }
                readLine(); // the empty line after the last chunk (no trailers)
                return body.toByteArray();
            }
            if (length < 0) {
                throw new IOException("neither Content-Length nor chunked in " + lines);
            }
            return in.readNBytes(length);
        }

        private int chunkSize() throws IOException {
            String line = readLine();
            int semicolon = line.indexOf(';');
            return Integer.parseInt((semicolon < 0 ? line : line.substring(0, semicolon)).trim(), 16);
        }

        private String readLine() throws IOException {
            StringBuilder b = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                if (c != '\r') {
                    b.append((char) c);
                }
            }
            return b.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
