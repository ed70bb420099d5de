package io.warmpool.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A gateway run as its own process ({@code Main up}), so that tests can kill it with -9. */
final class GatewayProcess implements AutoCloseable {
    private static final String UP = "warmpool: gateway up at ";

    final Process process;
    final String url;
    final Path dataDir;

    private GatewayProcess(Process process, String url, Path dataDir) {
        this.process = process;
        this.url = url;
        this.dataDir = dataDir;
    }

    /** @param jvmOptions options for the gateway's JVM, such as {@code -Xmx128m} */
    static GatewayProcess start(Path dataDir, Path config, String... jvmOptions) {
        return start(dataDir, config, 0, jvmOptions);
    }

    /** @param port the port to listen on, 0 for any free one (a restarted gateway keeps its address with a fixed one) */
    static GatewayProcess start(Path dataDir, Path config, int port, String... jvmOptions) {
        try {
            List<String> cmd = new java.util.ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
            cmd.add("--enable-native-access=ALL-UNNAMED");
            cmd.addAll(List.of(jvmOptions));
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.warmpool.server.Main", "up", "--port", Integer.toString(port),
                    "--data-dir", dataDir.toString(), "--config", config.toString()));
            java.nio.file.Files.createDirectories(dataDir);
            Process p = new ProcessBuilder(cmd).redirectError(dataDir.resolve("gateway-" + System.nanoTime() + ".log").toFile())
                    .start();
            CompletableFuture<String> url = new CompletableFuture<>();
            Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader out = p.inputReader(StandardCharsets.UTF_8)) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        if (line.startsWith(UP)) {
                            url.complete(line.substring(UP.length()).split(" ")[0]);
                        }
                    }
                } catch (IOException e) {
                    url.completeExceptionally(e);
                }
                url.completeExceptionally(new IllegalStateException("gateway exited before it was up"));
            });
            try {
                return new GatewayProcess(p, url.get(60, TimeUnit.SECONDS), dataDir);
            } catch (Exception e) {
                p.destroyForcibly();
                throw new IllegalStateException("gateway did not come up", e);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: the shutdown hook stops agents and browsers
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
