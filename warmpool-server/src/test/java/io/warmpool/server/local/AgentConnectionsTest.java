package io.warmpool.server.local;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link AgentConnections} against a real loopback server that answers as it is told per connection and request:
 * keep-alive reuse, an idle connection the agent closed found before use, a request never sent twice (not when the
 * connection breaks after the write, nor after the answer began), timeouts, chunked answers, and the bound on
 * connections per agent.
 */
class AgentConnectionsTest {
    private static final byte[] BODY = "{\"url\":\"x\"}".getBytes(StandardCharsets.UTF_8);
    private static final Map<String, String> HEADERS = Map.of("X-Warmpool-Agent-Protocol", "1",
            "Authorization", "Bearer s3cret");

    /** A script's answer with this prefix is written, and then the connection is closed without a word. */
    private static final String ANSWER_THEN_CLOSE = "then-close:";

    /** What the server writes for request {@code n} (0-based, over all connections) on connection {@code c}. */
    private interface Script extends BiFunction<Integer, Integer, String> {
    }

    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<String> requestHeads = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final java.util.concurrent.Semaphore handlersDone = new java.util.concurrent.Semaphore(0);
    private final AtomicLong now = new AtomicLong();
    private ServerSocket server;
    private AgentConnections client;

    @AfterEach
    void close() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        for (Thread t : threads) {
            t.interrupt();
            t.join(5_000);
        }
    }

    /** A server whose answer (null: close the connection without answering) comes from {@code script}. */
    private URI serve(Script script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    int c = connections.getAndIncrement();
                    threads.add(Thread.ofVirtual().start(() -> handle(s, c, script)));
                } catch (IOException e) {
                    return;
                }
            }
        });
        threads.add(acceptor);
        client = new AgentConnections(4, Duration.ofSeconds(10), Duration.ofSeconds(2), now::get);
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1/instances/i-1/quick/content");
    }

    private void handle(Socket s, int connection, Script script) {
        try (s) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = s.getOutputStream();
            while (true) {
                StringBuilder head = new StringBuilder();
                int length = 0;
                for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                    head.append(line).append('\n');
                    if (line.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                if (head.isEmpty()) {
                    return;
                }
                in.skip(length); // ISO-8859-1: one char per byte
                requestHeads.add(head.toString());
                String answer = script.apply(requests.getAndIncrement(), connection);
                if (answer == null) {
                    return;
                }
                if (answer.startsWith(ANSWER_THEN_CLOSE)) {
                    out.write(answer.substring(ANSWER_THEN_CLOSE.length()).getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    return;
                }
                if (answer.equals("hang")) {
                    Thread.sleep(60_000);
                    return;
                }
                out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (answer.contains("Connection: close") || answer.startsWith("HTTP/1.1 200 partial")) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away or the test ended
        } finally {
            handlersDone.release();
        }
    }

    private static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Browser-Ms-Used: 7\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body;
    }

    private AgentReply post(URI url, Duration timeout) throws IOException {
        return client.post(url, HEADERS, BODY, timeout);
    }

    @Test
    void callsReuseOneKeptAliveConnectionAndCarryTheProtocolHeaders() throws Exception {
        URI url = serve((n, c) -> ok("{\"n\":" + n + "}"));
        for (int i = 0; i < 3; i++) {
            AgentReply r = post(url, Duration.ofSeconds(5));
            assertThat(r.status()).isEqualTo(200);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":" + i + "}");
            assertThat(r.header("x-browser-ms-used")).isEqualTo("7");
        }
        assertThat(connections).as("one connection for three calls").hasValue(1);
        assertThat(requestHeads.getFirst()).startsWith("POST /v1/instances/i-1/quick/content HTTP/1.1")
                .contains("Authorization: Bearer s3cret").contains("X-Warmpool-Agent-Protocol: 1")
                .contains("Content-Length: " + BODY.length);
        assertThat(client.idleCount()).isEqualTo(1);
    }

    @Test
    void anIdleConnectionTheAgentClosedIsFoundBeforeUseAndTheCallGoesOnANewOne() throws Exception {
        // the first connection answers once and is then closed by the agent while idle (a stale keep-alive)
        URI url = serve((n, c) -> c == 0 ? ANSWER_THEN_CLOSE + ok("{\"n\":" + n + "}") : ok("{\"n\":" + n + "}"));
        assertThat(post(url, Duration.ofSeconds(5)).status()).isEqualTo(200);
        assertThat(handlersDone.tryAcquire(5, java.util.concurrent.TimeUnit.SECONDS)).as("the agent closed it").isTrue();
        assertThat(client.idleCount()).as("kept: the client has not looked at it yet").isEqualTo(1);
        AgentReply second = post(url, Duration.ofSeconds(5));
        assertThat(second.status()).isEqualTo(200);
        assertThat(new String(second.body(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
        assertThat(connections).hasValue(2);
        assertThat(requests).as("sent once: never on the closed connection").hasValue(2);
    }

    @Test
    void aReusedConnectionThatBreaksAfterTheRequestWasWrittenIsNotSentAgain() throws Exception {
        // the agent takes the second request on the kept connection and breaks it without answering (it stopped in
        // the middle of the action): a second send could run the action twice at once
        URI url = serve((n, c) -> c == 0 && n > 0 ? null : ok("{\"n\":" + n + "}"));
        assertThat(post(url, Duration.ofSeconds(5)).status()).isEqualTo(200);
        assertThatThrownBy(() -> post(url, Duration.ofSeconds(5))).isInstanceOf(Http1Exchange.NoAnswerException.class);
        assertThat(requests).as("sent once").hasValue(2);
        assertThat(connections).as("no new connection to send it again").hasValue(1);
        assertThat(client.idleCount()).isZero();
    }

    @Test
    void aNewConnectionThatBreaksBeforeAnAnswerIsNotSentAgain() throws Exception {
        URI url = serve((n, c) -> null);
        assertThatThrownBy(() -> post(url, Duration.ofSeconds(5))).isInstanceOf(IOException.class);
        assertThat(requests).hasValue(1);
        assertThat(connections).hasValue(1);
    }

    @Test
    void anAnswerThatBreaksAfterItBeganIsNeverSentAgain() throws Exception {
        // connection 0 answers once; then its second answer breaks off after the head
        URI url = serve((n, c) -> n == 0 ? ok("{}")
                : "HTTP/1.1 200 partial\r\nContent-Length: 100\r\n\r\n{\"cut\":");
        post(url, Duration.ofSeconds(5));
        assertThatThrownBy(() -> post(url, Duration.ofSeconds(5))).isInstanceOf(IOException.class)
                .isNotInstanceOf(Http1Exchange.NoAnswerException.class);
        assertThat(requests).hasValue(2);
        assertThat(client.idleCount()).as("the broken connection is not kept").isZero();
    }

    @Test
    void aSilentAgentTimesOutWithinTheCallsTimeoutAndIsNotRetried() throws Exception {
        URI url = serve((n, c) -> n == 0 ? ok("{}") : "hang");
        post(url, Duration.ofSeconds(5));
        assertThatThrownBy(() -> post(url, Duration.ofMillis(300))).isInstanceOf(SocketTimeoutException.class);
        assertThat(requests).hasValue(2);
        assertThat(client.idleCount()).isZero();
    }

    @Test
    void chunkedAnswersAndConnectionCloseAreRead() throws Exception {
        URI url = serve((n, c) -> n == 0
                ? "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\n\r\n"
                : "HTTP/1.1 429 Too Many\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}");
        assertThat(new String(post(url, Duration.ofSeconds(5)).body(), StandardCharsets.UTF_8)).isEqualTo("Wikipedia");
        AgentReply busy = post(url, Duration.ofSeconds(5));
        assertThat(busy.status()).isEqualTo(429);
        assertThat(busy.header("Retry-After")).isEqualTo("1");
        assertThat(client.idleCount()).as("Connection: close is not kept").isZero();
        assertThat(connections).as("the chunked answer's connection carried the second call").hasValue(1);
    }

    @Test
    void aConnectionIdleLongerThanTheIdleTimeoutIsClosedNotReused() throws Exception {
        URI url = serve((n, c) -> ok("{}"));
        post(url, Duration.ofSeconds(5));
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        post(url, Duration.ofSeconds(5));
        assertThat(connections).hasValue(2);
        assertThat(requests).as("never sent on the old one").hasValue(2);
    }

    @Test
    void idleConnectionsOfAnAgentCalledNoMoreAreClosedByALaterCallToAnyAgent() throws Exception {
        URI url = serve((n, c) -> ok("{}"));
        post(url, Duration.ofSeconds(5));
        assertThat(client.idleCount()).isEqualTo(1);
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        int unused;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            unused = s.getLocalPort();
        }
        URI gone = URI.create("http://127.0.0.1:" + unused + "/v1/instances/i-2/quick/content");
        assertThatThrownBy(() -> post(gone, Duration.ofSeconds(2))).isInstanceOf(IOException.class);
        assertThat(client.idleCount()).as("the first agent's idle connection is closed").isZero();
    }

    @Test
    void callersBeyondTheConnectionsPerAgentWaitAndGiveUpAtTheirTimeout() throws Exception {
        URI url = serve((n, c) -> "hang");
        List<Thread> callers = new java.util.ArrayList<>();
        AtomicInteger timedOut = new AtomicInteger();
        for (int i = 0; i < 4; i++) { // the bound is 4: these hold every connection
            callers.add(Thread.ofVirtual().start(() -> {
                try {
                    post(url, Duration.ofSeconds(3));
                } catch (IOException e) {
                    timedOut.incrementAndGet();
                }
            }));
        }
        while (requests.get() < 4) {
            Thread.onSpinWait();
        }
        assertThatThrownBy(() -> post(url, Duration.ofMillis(200))).isInstanceOf(IOException.class)
                .hasMessageContaining("all 4 connections");
        assertThat(connections).as("no fifth connection").hasValue(4);
        for (Thread t : callers) {
            t.join(10_000);
        }
        assertThat(timedOut).hasValue(4);
    }
}
