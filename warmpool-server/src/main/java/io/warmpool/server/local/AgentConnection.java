package io.warmpool.server.local;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * One keep-alive connection to an agent: a blocking socket channel with buffered streams, used by one call at a time,
 * that can tell without blocking whether the agent closed it while it was idle ({@link #stale()}).
 * Not thread-safe: {@link AgentConnections} hands it to one caller, which gives it back or closes it.
 */
final class AgentConnection implements AutoCloseable {
    private final SocketChannel channel;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] lineBuffer = new byte[Http1Exchange.MAX_LINE_BYTES]; // one answer's head lines, reused
    private long idleSince;
    private boolean answerStarted;

    private AgentConnection(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.socket = channel.socket();
        this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 8 * 1024);
    }

    /** Connects within {@code timeout}; Nagle off (a request is written whole, then flushed). */
    static AgentConnection open(String host, int port, Duration timeout) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            ch.socket().connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
            return new AgentConnection(ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Whether this idle connection must not carry a call: the agent closed it (end of stream or reset), or sent bytes
     * nobody asked for. Looks without blocking: one non-blocking read of at most one byte.
     */
    boolean stale() {
        try {
            if (in.available() > 0) {
                return true;
            }
            channel.configureBlocking(false);
            try {
                return channel.read(ByteBuffer.allocate(1)) != 0;
            } finally {
                channel.configureBlocking(true);
            }
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** Starts a call: no byte of its answer has arrived yet. */
    void begin() {
        answerStarted = false;
    }

    InputStream in() {
        return in;
    }

    OutputStream out() {
        return out;
    }

    byte[] lineBuffer() {
        return lineBuffer;
    }

    boolean answerStarted() {
        return answerStarted;
    }

    void answerStarted(boolean started) {
        answerStarted = started;
    }

    /** Bounds the next read by what is left until {@code deadline} ({@link System#nanoTime()}). */
    void timeoutAt(long deadline) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("no answer within the call's timeout");
        }
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
    }

    void idleSince(long nanos) {
        idleSince = nanos;
    }

    long idleSince() {
        return idleSince;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a socket that is gone already: nothing to do
        }
    }
}
