package io.warmpool.server;

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
 * {@code warmpool agent ...} in its own OS process, through the CLI's main class, its stderr in
 * {@code <dataDir>/agent.log}: an agent on "another host", as an operator starts it.
 */
final class AgentCli implements AutoCloseable {
    private static final String LISTENING = "warmpool agent ";

    final Process process;
    final Path dataDir;

    private AgentCli(Process process, Path dataDir) {
        this.process = process;
        this.dataDir = dataDir;
    }

    /** Starts the agent (it may still be refused: see {@link #url()}). */
    static AgentCli start(String gateways, String zone, int capacity, Path secretFile, Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-Xmx192m", "-cp", System.getProperty("java.class.path"),
                "io.warmpool.server.Main", "agent", "--gateways", gateways, "--region", "weur",
                "--zone", zone, "--pool", "browser", "--capacity", Integer.toString(capacity),
                "--secret-file", secretFile.toString(), "--data-dir", dataDir.toString()));
        return new AgentCli(new ProcessBuilder(cmd).redirectError(dataDir.resolve("agent.log").toFile()).start(), dataDir);
    }

    /** The URL the agent listens on, once it says so (60 s at most). */
    String url() throws Exception {
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader out = process.inputReader(StandardCharsets.UTF_8)) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(LISTENING)) {
                        url.complete(line.substring(line.lastIndexOf(' ') + 1));
                    }
                }
            } catch (IOException e) {
                url.completeExceptionally(e);
            }
            url.completeExceptionally(new IllegalStateException("agent exited before it listened"));
        });
        return url.get(60, TimeUnit.SECONDS);
    }

    String log() throws IOException {
        return Files.readString(dataDir.resolve("agent.log"));
    }

    /** Its browsers: processes that mention its data directory and are Chromium. */
    long browsers() {
        return Processes.mentioning(dataDir.toString()).stream().filter(p -> p.line().contains("chromium")).count();
    }

    /** SIGTERM, then SIGKILL after 30 s. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
