package io.warmpool.server.process;

import java.io.ByteArrayOutputStream;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A WebSocket client side for the proxy tests. */
final class Sockets {
    private Sockets() {
    }

    /**
     * Records what arrives: each whole text message as {@code text:<it>}, each binary one as
     * {@code binary:<sha-256 hex>}, every binary byte in order (a TCP tunnel's stream), and the close code.
     */
    static final class Recorder implements WebSocket.Listener {
        private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
        private final ByteArrayOutputStream stream = new ByteArrayOutputStream();
        private final CompletableFuture<Integer> closed = new CompletableFuture<>();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add("text:" + text);
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            binary.writeBytes(bytes);
            synchronized (stream) {
                stream.writeBytes(bytes);
            }
            if (last) {
                try {
                    messages.add("binary:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(binary.toByteArray())));
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }

        String next() throws InterruptedException {
            String m = messages.poll(10, TimeUnit.SECONDS);
            if (m == null) {
                throw new AssertionError("no message within 10 s");
            }
            return m;
        }

        int closeCode() throws Exception {
            return closed.get(10, TimeUnit.SECONDS);
        }

        /** Every binary byte received until the socket closed, as ISO-8859-1 text. */
        String untilClosed() throws Exception {
            closeCode();
            synchronized (stream) {
                return stream.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
            }
        }
    }
}
