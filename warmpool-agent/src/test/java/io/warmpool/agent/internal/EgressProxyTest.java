package io.warmpool.agent.internal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;

import static org.assertj.core.api.Assertions.assertThat;

/** The egress proxy over real sockets, with a tiny upstream on 127.0.0.1; no browser. */
class EgressProxyTest {
    private ServerSocket upstream;
    private Thread upstreamThread;
    private volatile String lastUpstreamHead = "";

    @BeforeEach
    void startUpstream() throws IOException {
        upstream = new ServerSocket(0, 16, InetAddress.getByName("127.0.0.1"));
        upstreamThread = Thread.ofVirtual().start(() -> {
            while (!upstream.isClosed()) {
                try (Socket s = upstream.accept()) {
                    lastUpstreamHead = readHead(s.getInputStream());
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"
                            .getBytes(StandardCharsets.ISO_8859_1));
                } catch (IOException e) {
                    // closed
                }
            }
        });
    }

    @AfterEach
    void stopUpstream() throws Exception {
        upstream.close();
        upstreamThread.join(2_000);
    }

    @Test
    void anAllowedPlainRequestIsForwardedInOriginFormWithConnectionClose() throws Exception {
        try (EgressProxy proxy = EgressProxy.start("t", AddressPolicy.allowing("127.0.0.1/32"), new Semaphore(4))) {
            String answer = exchange(proxy, "GET http://127.0.0.1:" + upstream.getLocalPort() + "/a?b=c HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nProxy-Connection: keep-alive\r\nConnection: keep-alive\r\n\r\n");

            assertThat(answer).startsWith("HTTP/1.1 200").endsWith("hello");
            assertThat(lastUpstreamHead).startsWith("GET /a?b=c HTTP/1.1\r\n").contains("Connection: close")
                    .doesNotContain("Proxy-Connection").doesNotContain("keep-alive");
            assertThat(proxy.denials().count()).isZero();
        }
    }

    @Test
    void refusedRequestsAre403AndRecordedWithoutConnecting() throws Exception {
        try (EgressProxy proxy = EgressProxy.start("t", AddressPolicy.denyInternal(), new Semaphore(4))) {
            int port = upstream.getLocalPort();
            String plain = exchange(proxy, "GET http://127.0.0.1:" + port + "/x HTTP/1.1\r\nHost: a\r\n\r\n");
            String tunnel = exchange(proxy, "CONNECT localhost:" + port + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            String metadata = exchange(proxy, "GET http://169.254.169.254/latest/meta-data HTTP/1.1\r\nHost: a\r\n\r\n");
            String mapped = exchange(proxy, "CONNECT [::ffff:10.0.0.1]:443 HTTP/1.1\r\n\r\n");

            assertThat(plain).startsWith("HTTP/1.1 403").contains("127.0.0.1").contains("loopback");
            assertThat(tunnel).startsWith("HTTP/1.1 403");
            assertThat(metadata).startsWith("HTTP/1.1 403").contains("link-local");
            assertThat(mapped).startsWith("HTTP/1.1 403").contains("private");
            assertThat(lastUpstreamHead).as("nothing reached the upstream").isEmpty();
            assertThat(proxy.denials().count()).isEqualTo(4);
            assertThat(proxy.denials().denials()).extracting(EgressLog.Denial::url).containsExactly(
                    "http://127.0.0.1:" + port + "/x", "localhost:" + port, "http://169.254.169.254/latest/meta-data",
                    "[::ffff:10.0.0.1]:443");
        }
    }

    @Test
    void anAllowedTunnelCarriesBytesBothWays() throws Exception {
        try (EgressProxy proxy = EgressProxy.start("t", AddressPolicy.allowing("127.0.0.1"), new Semaphore(4));
             Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            client.setSoTimeout(10_000);
            OutputStream out = client.getOutputStream();
            out.write(("CONNECT 127.0.0.1:" + upstream.getLocalPort() + " HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readHead(client.getInputStream())).startsWith("HTTP/1.1 200");
            out.write("GET /tunnelled HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));

            assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1)).endsWith("hello");
            assertThat(lastUpstreamHead).startsWith("GET /tunnelled HTTP/1.1");
        }
    }

    @Test
    void aFullConnectionBoundAnswers503AndOriginFormIs400() throws Exception {
        try (EgressProxy proxy = EgressProxy.start("t", AddressPolicy.denyInternal(), new Semaphore(0))) {
            assertThat(exchange(proxy, "GET http://8.8.8.8/ HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 503");
        }
        try (EgressProxy proxy = EgressProxy.start("t", AddressPolicy.denyInternal(), new Semaphore(1))) {
            assertThat(exchange(proxy, "GET /not-a-proxy-request HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400");
        }
    }

    private static String exchange(EgressProxy proxy, String request) throws IOException {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            client.setSoTimeout(10_000);
            client.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while (!head.toString().endsWith("\r\n\r\n") && (b = in.read()) >= 0) {
            head.append((char) b);
        }
        return head.toString();
    }
}
