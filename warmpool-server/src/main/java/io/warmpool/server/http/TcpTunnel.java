package io.warmpool.server.http;

import io.javalin.websocket.WsContext;
import org.eclipse.jetty.websocket.api.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Raw TCP to a session's process, carried in binary WebSocket messages ({@code /v1/sessions/{id}/tcp}): each client
 * message is written to the process's port as it is; what the process sends comes back in messages of at most
 * {@value #CHUNK} bytes, the next read only once the last reached the client (bounded both ways, no queue). Either
 * side ending ends the other: the client's close shuts the socket, the process's end of stream closes the client
 * with 1000. Thread-safe.
 */
final class TcpTunnel {
    private static final Logger log = LoggerFactory.getLogger(TcpTunnel.class);
    static final int CHUNK = 64 * 1024;
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final WsContext client;
    private final Socket socket;

    private TcpTunnel(WsContext client, Socket socket) {
        this.client = client;
        this.socket = socket;
    }

    /** Connects to {@code 127.0.0.1:port} within {@code timeout} and starts pumping the process's bytes. */
    static TcpTunnel open(WsContext client, String host, int port, Duration timeout) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            s.setTcpNoDelay(true);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        TcpTunnel tunnel = new TcpTunnel(client, s);
        Thread.ofVirtual().name("tcp-tunnel-" + port).start(tunnel::pump);
        return tunnel;
    }

    /** A client message: written to the process before the next is read. */
    void fromClient(ByteBuffer data) throws IOException {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        socket.getOutputStream().write(bytes);
    }

    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("closing tunnel: {}", e.toString());
        }
    }

    private void pump() {
        byte[] buffer = new byte[CHUNK];
        try (InputStream in = socket.getInputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                CompletableFuture<Void> sent = new CompletableFuture<>();
                client.session.sendBinary(ByteBuffer.wrap(buffer, 0, n).slice(),
                        Callback.from(() -> sent.complete(null), sent::completeExceptionally));
                sent.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (client.session.isOpen()) {
                client.closeSession(1000, "the process closed the connection");
            }
        } catch (Exception e) {
            if (client.session.isOpen()) {
                log.debug("tcp tunnel ended: {}", e.toString());
                client.closeSession(1011, "the tunnel to the process failed");
            }
        } finally {
            close();
        }
    }
}
