package io.warmpool.example;

import io.warmpool.embedded.Lease;
import io.warmpool.embedded.WarmPool;
import io.warmpool.process.ProcessTemplate;
import io.warmpool.process.Readiness;
import io.warmpool.process.Reset;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;

/**
 * warmpool as a library, in one screen: keeps two Python {@code http.server} processes warm, each serving its own
 * data directory, and hands one out per session. A session writes a file into its server's directory; the reset
 * (a command) empties the directory, so the next session finds a clean server. Prints what each acquire took.
 *
 * <pre>{@code
 * ./mvnw -q -pl warmpool-example -am package -DskipTests
 * java -cp "warmpool-example/target/warmpool-example-0.1.0-SNAPSHOT.jar:warmpool-example/target/lib/*" \
 *     io.warmpool.example.PooledHttpServers
 * }</pre>
 */
public final class PooledHttpServers {
    private PooledHttpServers() {
    }

    /** The template: a static file server on {@code {port}} serving {@code {dataDir}}, emptied between sessions. */
    public static ProcessTemplate template() {
        return ProcessTemplate.builder("python3", "-m", "http.server", "{port}", "--bind", "127.0.0.1",
                        "--directory", "{dataDir}")
                .readiness(Readiness.http("http://127.0.0.1:{port}/"))
                .reset(Reset.command("find", "{dataDir}", "-mindepth", "1", "-delete"))
                .startTimeout(Duration.ofSeconds(10))
                .build();
    }

    public static void main(String[] args) throws Exception {
        try (WarmPool pool = WarmPool.builder().template(template()).minIdle(2).maxSize(4).build();
             HttpClient http = HttpClient.newHttpClient()) {
            for (int i = 1; i <= 3; i++) {
                String session = "session-" + i;
                long t0 = System.nanoTime();
                try (Lease lease = pool.acquire(session, Duration.ofSeconds(10))) {
                    double ms = (System.nanoTime() - t0) / 1e6;
                    // the session leaves a file behind; the reset removes it before the next session
                    Files.writeString(pool.process(session).orElseThrow().dataDir().resolve(session + ".txt"), session);
                    HttpResponse<String> listing = http.send(HttpRequest.newBuilder(URI.create(lease.url() + "/"))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    System.out.printf("%s: %s on %s (%s, %.1f ms), listing shows %s: %b%n", session,
                            lease.instanceId(), lease.url(), lease.warm() ? "warm" : "cold", ms, session + ".txt",
                            listing.body().contains(session + ".txt"));
                }
            }
            System.out.println("status: " + pool.status());
        }
    }
}
