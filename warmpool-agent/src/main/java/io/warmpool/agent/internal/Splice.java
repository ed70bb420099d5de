package io.warmpool.agent.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies bytes both ways between two sockets until either side ends, fails or both stay silent for the
 * idle timeout; then closes both. One direction runs on the caller's thread, the other on a virtual thread.
 */
final class Splice {
    static final int BUFFER_BYTES = 16 * 1024;
    private static final int POLL_MILLIS = 1_000;

    private Splice() {
    }

    /** @param clientIn the client's stream, possibly holding bytes already buffered past the request head */
    static void run(Socket client, InputStream clientIn, Socket upstream, Duration idle, String threadName)
            throws IOException {
        AtomicLong lastActivity = new AtomicLong(System.nanoTime());
        client.setSoTimeout(POLL_MILLIS);
        upstream.setSoTimeout(POLL_MILLIS);
        Thread up = Thread.ofVirtual().name(threadName).start(() -> {
            try {
                copy(clientIn, upstream.getOutputStream(), lastActivity, idle);
            } catch (IOException e) {
                // the client or upstream went away: the other direction ends below
            } finally {
                closeBoth(client, upstream);
            }
        });
        try {
            copy(upstream.getInputStream(), client.getOutputStream(), lastActivity, idle);
        } finally {
            closeBoth(client, upstream);
            try {
                up.join(Duration.ofSeconds(2)); // closing both sockets ends its read at once
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void copy(InputStream in, OutputStream out, AtomicLong lastActivity, Duration idle) throws IOException {
        byte[] buffer = new byte[BUFFER_BYTES];
        while (true) {
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                if (System.nanoTime() - lastActivity.get() > idle.toNanos()) {
                    return; // silent both ways for the idle timeout
                }
                continue;
            }
            if (n < 0) {
                return;
            }
            out.write(buffer, 0, n);
            out.flush();
            lastActivity.set(System.nanoTime());
        }
    }

    private static void closeBoth(Socket a, Socket b) {
        try {
            a.close();
        } catch (IOException e) {
            // best effort
        }
        try {
            b.close();
        } catch (IOException e) {
            // best effort
        }
    }
}
