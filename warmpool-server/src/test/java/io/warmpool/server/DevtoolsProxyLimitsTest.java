package io.warmpool.server;

import io.warmpool.Instance;
import io.warmpool.core.PoolSettings;
import io.warmpool.server.config.GatewayConfig;
import io.warmpool.spi.InstanceProvider;
import io.warmpool.store.jdbc.SqliteInstanceStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proxy's bounds when the browser end misbehaves: an endpoint that never finishes its handshake (the client's
 * early messages overflow: 1009) and one that refuses connections (1011). The browser side here is a bare socket.
 */
class DevtoolsProxyLimitsTest {
    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    /** A provider whose every instance's agent claims to listen at {@code agentUrl} (the proxy dials the agent). */
    private Gateway gatewayWithAgentAt(String agentUrl) {
        GatewayConfig config = GatewayConfig.demo(dir, Path.of("/bin/true"), 0).withPools(Map.of("browser",
                PoolSettings.builder("browser").minIdle(1).maxSize(2).staleAfter(Duration.ofHours(1)).build()));
        Gateway gw = Gateway.start(config, r -> SqliteInstanceStore.open(dir.resolve(r.name() + ".db")),
                (region, lost, url) -> new InstanceProvider() {
                    public Placement place(String r, String pool) {
                        return new Placement("fake-agent", r + "-a");
                    }

                    public Started start(Instance instance) {
                        return new Started("ws://127.0.0.1:9/devtools/browser/never-dialled", agentUrl);
                    }

                    public void stop(Instance instance) {
                    }

                    public boolean reset(Instance instance) {
                        return true;
                    }

                    public void close() {
                    }
                });
        open.add(gw);
        return gw;
    }

    private static String session(Gateway gw) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        java.net.URI.create(gw.url() + "/v1/sessions")).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(201);
        return TestGateway.JSON.readTree(r.body()).get("webSocketDebuggerUrl").asText();
    }

    @Test
    void messagesBeyondTheBufferBeforeTheBrowserAnswersCloseWith1009() throws Exception {
        ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        open.add(silent);
        List<Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread acceptor = Thread.ofPlatform().daemon().start(() -> {
            try {
                while (true) {
                    accepted.add(silent.accept()); // accept, never answer the handshake
                }
            } catch (IOException e) {
                // closed at the end of the test
            }
        });
        open.add(() -> {
            for (Socket s : accepted) {
                s.close();
            }
            acceptor.join(2000);
        });
        Gateway gw = gatewayWithAgentAt("http://127.0.0.1:" + silent.getLocalPort());
        assertThat(TestGateway.await(Duration.ofSeconds(10),
                () -> gw.regions().get("weur").pool("browser").counts().warm() == 1)).isTrue();

        try (CdpClient client = new CdpClient(session(gw))) {
            for (int i = 1; i <= 200 && !client.closeCode.isDone(); i++) {
                client.socket().sendText("{\"id\":" + i + ",\"method\":\"Browser.getVersion\"}", true).join();
            }
            assertThat(client.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
        }
    }

    @Test
    void aBrowserEndpointThatRefusesClosesWith1011() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Gateway gw = gatewayWithAgentAt("http://127.0.0.1:" + closedPort);
        assertThat(TestGateway.await(Duration.ofSeconds(10),
                () -> gw.regions().get("weur").pool("browser").counts().warm() == 1)).isTrue();

        try (CdpClient client = new CdpClient(session(gw))) {
            assertThat(client.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1011);
        }
    }
}
