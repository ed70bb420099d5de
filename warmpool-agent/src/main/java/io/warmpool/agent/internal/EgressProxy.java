package io.warmpool.agent.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The egress guard in front of a browser: an HTTP proxy on 127.0.0.1 (an ephemeral port) that serves
 * absolute-form {@code http://} requests and {@code CONNECT host:port} tunnels (https, ws, wss). It
 * resolves each host itself, checks every address against its {@link AddressPolicy}, connects to an
 * allowed address and to nothing else, and answers {@code 403} to what the policy refuses, recording it in
 * its {@link EgressLog}. One proxy serves one browser (its {@code --proxy-server}) or one browser context
 * (a quick action's), so every denial belongs to exactly one of them.
 *
 * <p>Bounds: the shared {@code connections} semaphore (a full one answers 503), a connect timeout, a
 * request-head timeout and size, an idle timeout on tunnels, fixed buffers. Each connection runs on
 * virtual threads (socket I/O only). Thread-safe; {@link #close()} ends every connection.
 */
final class EgressProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EgressProxy.class);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration HEAD_TIMEOUT = Duration.ofSeconds(10);
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

    private final String name;
    private final AddressPolicy policy;
    private final Semaphore connections;
    private final ServerSocket server;
    private final EgressLog denials = new EgressLog();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private EgressProxy(String name, AddressPolicy policy, Semaphore connections, ServerSocket server) {
        this.name = name;
        this.policy = policy;
        this.connections = connections;
        this.server = server;
    }

    /**
     * Listens on 127.0.0.1 (ephemeral port) and serves until closed.
     *
     * @param connections bounds the connections in flight, shared by all proxies of one browser
     */
    static EgressProxy start(String name, AddressPolicy policy, Semaphore connections) {
        try {
            ServerSocket server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
            EgressProxy proxy = new EgressProxy(name, policy, connections, server);
            Thread.ofVirtual().name("egress-" + name).start(proxy::acceptLoop);
            return proxy;
        } catch (IOException e) {
            throw new AgentException("egress_proxy_failed", 502, "cannot listen for the egress proxy: " + e.getMessage(), e);
        }
    }

    /** The value for Chromium's {@code --proxy-server} or a context's {@code proxyServer}. */
    String proxyServer() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    int port() {
        return server.getLocalPort();
    }

    EgressLog denials() {
        return denials;
    }

    /** Stops listening and closes every connection. Idempotent. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        open.forEach(EgressProxy::closeQuietly);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("egress proxy {} stopped accepting: {}", name, e.toString());
                }
                return;
            }
            if (!connections.tryAcquire()) {
                log.debug("egress proxy {} - connection limit reached; refusing one", name);
                Thread.ofVirtual().name("egress-busy-" + name).start(() -> {
                    try (client) {
                        answer(client.getOutputStream(), 503, "too many connections from this browser");
                    } catch (IOException e) {
                        // the browser gave up already
                    }
                });
                continue;
            }
            open.add(client);
            Thread.ofVirtual().name("egress-conn-" + name).start(() -> {
                try {
                    serve(client);
                } catch (IOException e) {
                    log.trace("egress proxy {} connection ended: {}", name, e.toString());
                } catch (RuntimeException e) {
                    log.warn("egress proxy {} connection failed", name, e);
                } finally {
                    closeQuietly(client);
                    open.remove(client);
                    connections.release();
                }
            });
        }
    }

    private void serve(Socket client) throws IOException {
        client.setSoTimeout((int) HEAD_TIMEOUT.toMillis());
        InputStream in = new BufferedInputStream(client.getInputStream(), Splice.BUFFER_BYTES);
        OutputStream out = client.getOutputStream();
        ProxyRequest request;
        try {
            request = ProxyRequest.read(in);
        } catch (ProxyRequest.BadRequest e) {
            answer(out, 400, e.getMessage());
            return;
        }
        if (request == null) {
            return;
        }
        EgressTarget target;
        try {
            target = EgressTarget.resolve(policy, request.host(), CONNECT_TIMEOUT);
        } catch (UnknownHostException e) {
            denials.failed(new EgressLog.Failure(request.reportedUrl(), "net::ERR_NAME_NOT_RESOLVED"));
            answer(out, 502, "cannot resolve " + request.host());
            return;
        }
        if (target.refused()) {
            EgressLog.Denial denial = new EgressLog.Denial(request.reportedUrl(), target.host(), target.deniedAddress(),
                    target.reason());
            denials.record(denial);
            log.debug("egress proxy {} refused {}", name, denial.describe());
            answer(out, 403, "warmpool egress guard: " + target.host() + " resolves to " + target.deniedAddress()
                    + " (" + target.reason() + "), which this agent does not let pages reach");
            return;
        }
        Socket upstream;
        try {
            upstream = connect(target, request.port());
        } catch (IOException e) {
            String error = e instanceof java.net.ConnectException ? "net::ERR_CONNECTION_REFUSED"
                    : e instanceof java.net.SocketTimeoutException ? "net::ERR_CONNECTION_TIMED_OUT"
                    : "net::ERR_CONNECTION_FAILED";
            denials.failed(new EgressLog.Failure(request.reportedUrl(), error));
            answer(out, 502, "cannot connect to " + request.host() + ":" + request.port() + ": " + error);
            return;
        }
        open.add(upstream);
        try {
            if (request.isTunnel()) {
                out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } else {
                upstream.getOutputStream().write(request.originHead());
            }
            Splice.run(client, in, upstream, IDLE_TIMEOUT, "egress-pump-" + name);
        } finally {
            closeQuietly(upstream);
            open.remove(upstream);
        }
    }

    /**
     * Connects to the first allowed address that answers, all within the connect timeout.
     *
     * @throws IOException the last address's failure
     */
    private static Socket connect(EgressTarget target, int port) throws IOException {
        Deadline deadline = Deadline.after(CONNECT_TIMEOUT);
        IOException last = null;
        for (InetAddress address : target.allowed()) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, port), (int) deadline.remaining().toMillis());
                socket.setTcpNoDelay(true);
                return socket;
            } catch (IOException e) {
                closeQuietly(socket);
                last = e;
                if (deadline.passed()) {
                    break;
                }
            }
        }
        throw last;
    }

    private static void answer(OutputStream out, int status, String message) throws IOException {
        String reason = switch (status) {
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 502 -> "Bad Gateway";
            default -> "Service Unavailable";
        };
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing is best effort
        }
    }

    @Override
    public String toString() {
        return "EgressProxy[" + name + " on " + proxyServer() + ", " + policy + "]";
    }
}
