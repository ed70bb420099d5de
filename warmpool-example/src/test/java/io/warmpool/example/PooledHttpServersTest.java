package io.warmpool.example;

import io.warmpool.embedded.Lease;
import io.warmpool.embedded.WarmPool;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;

import static io.warmpool.testkit.PooledHttpServer.await;
import static io.warmpool.testkit.PooledHttpServer.gone;
import static org.assertj.core.api.Assertions.assertThat;

/** The example's template: a file left by one session is gone for the next one on the same server. */
class PooledHttpServersTest {

    @Test
    void theNextSessionFindsAnEmptyDirectory() throws Exception {
        long pid;
        try (WarmPool pool = WarmPool.builder().template(PooledHttpServers.template()).minIdle(1).maxSize(1).build();
             HttpClient http = HttpClient.newHttpClient()) {
            String first;
            try (Lease lease = pool.acquire("a", Duration.ofSeconds(20))) {
                first = lease.instanceId();
                pid = pool.process("a").orElseThrow().pid();
                Files.writeString(pool.process("a").orElseThrow().dataDir().resolve("left.txt"), "x");
                assertThat(http.send(HttpRequest.newBuilder(lease.url().resolve("/left.txt")).build(),
                        HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("x");
            }
            try (Lease lease = pool.acquire("b", Duration.ofSeconds(20))) {
                assertThat(lease.instanceId()).isEqualTo(first);
                assertThat(http.send(HttpRequest.newBuilder(lease.url().resolve("/left.txt")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
            }
        }
        assertThat(await(Duration.ofSeconds(5), () -> gone(pid))).isTrue();
    }
}
