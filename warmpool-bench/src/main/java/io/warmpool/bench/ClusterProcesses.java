package io.warmpool.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Gateways ({@code warmpool up}) and agents ({@code warmpool agent}) of a benchmark cluster, each its own JVM started
 * from this one's class path, their stderr in their data directories. Each process is registered with the
 * {@link Cleanup} (SIGTERM, then -9 after 30 s), so that none outlives the run. Not thread-safe.
 */
final class ClusterProcesses {
    private static final String GATEWAY_UP = "warmpool: gateway up at ";
    private static final String AGENT_UP = "warmpool agent ";

    private final Cleanup cleanup;
    private final Path dir;
    private final Path config;
    private final Path secretFile;
    private int started;

    ClusterProcesses(Cleanup cleanup, Path dir, Path config, Path secretFile) {
        this.cleanup = cleanup;
        this.dir = dir;
        this.config = config;
        this.secretFile = secretFile;
    }

    /** Starts a gateway on any free loopback port; returns its URL. */
    String gateway() throws Exception {
        Path data = dir.resolve("gw" + started++);
        String line = start(data, GATEWAY_UP, "-Xmx256m", "io.warmpool.server.Main", "up", "--port", "0",
                "--data-dir", data.toString(), "--config", config.toString());
        return line.substring(GATEWAY_UP.length()).split(" ")[0];
    }

    /** Starts an agent of pool {@code browser} in {@code region}/{@code zone} reporting to {@code gateways}. */
    void agent(String region, String zone, int capacity, List<String> gateways) throws Exception {
        Path data = dir.resolve("agent" + started++);
        start(data, AGENT_UP, "-Xmx256m", "io.warmpool.server.Main", "agent", "--gateways", String.join(",", gateways),
                "--region", region, "--zone", zone, "--pool", "browser", "--capacity", Integer.toString(capacity),
                "--secret-file", secretFile.toString(), "--data-dir", data.toString());
    }

    /** Starts a JVM and waits for the first stdout line starting with {@code ready}; returns that line. */
    private String start(Path data, String ready, String... args) throws Exception {
        Files.createDirectories(data);
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED"));
        cmd.add(args[0]);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
        cmd.addAll(List.of(args).subList(1, args.length));
        Process p = new ProcessBuilder(cmd).redirectError(data.resolve("stderr.log").toFile()).start();
        cleanup.add(() -> {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        });
        CompletableFuture<String> line = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("stdout-" + data.getFileName()).start(() -> {
            try (BufferedReader out = p.inputReader(StandardCharsets.UTF_8)) {
                String l;
                while ((l = out.readLine()) != null) {
                    if (l.startsWith(ready)) {
                        line.complete(l);
                    }
                }
            } catch (IOException e) {
                line.completeExceptionally(e);
            }
            line.completeExceptionally(new IllegalStateException(data + " exited before it was up (see stderr.log)"));
        });
        return line.get(90, TimeUnit.SECONDS);
    }
}
