package io.warmpool.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay that adds round-trip time where there is no netem: it listens on {@code 127.0.0.1:0}, connects each
 * client to {@code host:port}, and delivers every chunk read in either direction {@code rtt/2} after it was read,
 * in order. A new connection's first bytes also wait one extra RTT, as if its TCP handshake had taken one.
 * Each direction has a bounded queue ({@value #QUEUE_CHUNKS} chunks of at most {@value #CHUNK_BYTES} bytes); a
 * full queue stops reading from that side (TCP backpressure), it never drops. End of stream is relayed (after the
 * same delay) as a half-close; both sockets close once both directions ended, or at once on any error.
 * Platform threads, so that the relay keeps time even when the virtual-thread carriers of the process are busy.
 * Thread-safe; {@link #close()} frees the port, every connection and every thread.
 */
final class DelayRelay implements AutoCloseable {
    static final int QUEUE_CHUNKS = 256;
    static final int CHUNK_BYTES = 16 * 1024;
    private static final byte[] EOF = new byte[0];

    private final InetSocketAddress target;
    private final long oneWayNanos;
    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean closed;

    private record Chunk(byte[] data, long dueNanos) {
    }

    /** @param rtt the round-trip time to add; each direction gets half */
    DelayRelay(String host, int port, Duration rtt) throws IOException {
        if (rtt.isNegative()) {
            throw new IllegalArgumentException("rtt cannot be negative: " + rtt);
        }
        this.target = new InetSocketAddress(host, port);
        this.oneWayNanos = rtt.toNanos() / 2;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofPlatform().daemon().name("relay-accept-" + server.getLocalPort()).start(this::accept);
    }

    /** {@code 127.0.0.1:port} of the relay. */
    String hostPort() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Connections accepted so far. */
    int connections() {
        return connections.get();
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            long handshakeDone = System.nanoTime() + 2 * oneWayNanos;
            Socket upstream = new Socket();
            try {
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                upstream.connect(target, 5_000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            connections.incrementAndGet();
            sockets.add(client);
            sockets.add(upstream);
            AtomicInteger open = new AtomicInteger(2);
            Runnable ended = () -> {
                if (open.decrementAndGet() == 0) {
                    closeBoth(client, upstream);
                }
            };
            pipe(client, upstream, handshakeDone, ended, "up");
            pipe(upstream, client, 0, ended, "down");
        }
    }

    /** Starts the reader and the writer of one direction. */
    private void pipe(Socket from, Socket to, long notBefore, Runnable ended, String name) {
        BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUE_CHUNKS);
        String id = name + "-" + from.getPort() + "-" + to.getPort();
        start("relay-read-" + id, () -> {
            byte[] buffer = new byte[CHUNK_BYTES];
            try {
                InputStream in = from.getInputStream(); // not closed here: that would close the socket both ways
                while (true) {
                    int n = in.read(buffer);
                    long due = Math.max(System.nanoTime(), notBefore) + oneWayNanos;
                    Chunk chunk = new Chunk(n < 0 ? EOF : java.util.Arrays.copyOf(buffer, n), due);
                    while (!queue.offer(chunk, 1, TimeUnit.SECONDS)) {
                        if (to.isClosed()) {
                            return;
                        }
                    }
                    if (n < 0) {
                        return;
                    }
                }
            } catch (IOException | InterruptedException e) {
                closeBoth(from, to);
            }
        });
        start("relay-write-" + id, () -> {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Chunk c = queue.poll(1, TimeUnit.SECONDS);
                    if (c == null) {
                        if (to.isClosed()) {
                            return;
                        }
                        continue;
                    }
                    long wait = c.dueNanos() - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    if (c.data() == EOF) {
                        to.shutdownOutput();
                        ended.run();
                        return;
                    }
                    out.write(c.data());
                }
            } catch (IOException | InterruptedException e) {
                closeBoth(from, to);
            }
        });
    }

    private void start(String name, Runnable body) {
        Thread t = Thread.ofPlatform().daemon().name(name).unstarted(() -> {
            try {
                body.run();
            } finally {
                threads.remove(Thread.currentThread());
            }
        });
        threads.add(t);
        t.start();
    }

    private void closeBoth(Socket a, Socket b) {
        closeQuietly(a);
        closeQuietly(b);
        sockets.remove(a);
        sockets.remove(b);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** Stops accepting, closes every relayed connection and waits (bounded) for every relay thread to end. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        List.copyOf(sockets).forEach(DelayRelay::closeQuietly);
        List<Thread> all = new ArrayList<>(threads);
        all.add(acceptor);
        for (Thread t : all) {
            t.interrupt();
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
