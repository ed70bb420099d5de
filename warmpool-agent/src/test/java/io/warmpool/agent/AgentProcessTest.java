package io.warmpool.agent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link AgentMain} as the gateway runs it: a child process on the same classpath, tied to its stdin. */
class AgentProcessTest {
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dataDir;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(Process::destroyForcibly);
        assertThat(Processes.await(Duration.ofSeconds(10), () -> Processes.mentioning(dataDir).isEmpty()))
                .as("no process left under %s", dataDir).isTrue();
    }

    @Test
    void closingStdinStopsTheAgentAndEveryBrowser() throws Exception {
        Process agent = launch();
        URI url = awaitReady(agent);
        startTwoBrowsers(url);

        agent.getOutputStream().close();

        assertThat(agent.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(agent.exitValue()).isZero();
        assertThat(Processes.await(Duration.ofSeconds(5), () -> Processes.mentioning(dataDir).isEmpty())).isTrue();
    }

    @Test
    void aBrowserStillStartingWhenStdinClosesIsGoneByTheTimeTheAgentHasExited() throws Exception {
        Process agent = launch();
        URI url = awaitReady(agent);
        AgentClient client = new AgentClient(url);
        Thread starting = Thread.ofVirtual().start(() -> {
            try {
                client.start("late");
            } catch (RuntimeException | AssertionError e) {
                // refused or cut off by the shutdown: what matters is what is left running
            }
        });
        // close stdin while the browser is launching (its process exists, the agent has not answered yet)
        assertThat(Processes.await(Duration.ofSeconds(20), () -> !Processes.chromiumUnder(dataDir).isEmpty())).isTrue();

        agent.getOutputStream().close();

        assertThat(agent.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(Processes.chromiumUnder(dataDir)).as("no browser outlives its agent, not even for a moment").isEmpty();
        starting.join(Duration.ofSeconds(10));
        client.close();
    }

    @Test
    void killingTheAgentWithSigkillLeavesNoChromium() throws Exception {
        Process agent = launch();
        URI url = awaitReady(agent);
        startTwoBrowsers(url);
        assertThat(Processes.chromiumUnder(dataDir)).isNotEmpty();

        agent.destroyForcibly();

        assertThat(agent.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(Processes.await(Duration.ofSeconds(10), () -> Processes.mentioning(dataDir).isEmpty()))
                .as("the wrappers killed their groups").isTrue();
        assertThat(dataDir.resolve("agent-proc")).isNotEmptyDirectory(); // nobody was left to delete the profiles

        Files.setLastModifiedTime(dataDir.resolve("agent-proc"), FileTime.from(Instant.now().minusSeconds(120)));
        Process successor = launch("proc-2");
        awaitReady(successor);

        assertThat(dataDir.resolve("agent-proc")).doesNotExist(); // swept: no live process mentions it
        successor.getOutputStream().close();
        assertThat(successor.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void sigtermStopsTheAgentAndEveryBrowser() throws Exception {
        Process agent = launch();
        URI url = awaitReady(agent);
        startTwoBrowsers(url);

        agent.destroy();

        assertThat(agent.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(Processes.await(Duration.ofSeconds(5), () -> Processes.mentioning(dataDir).isEmpty())).isTrue();
    }

    @Test
    void anUnknownOptionExitsWithCode2AndOneLineOnStderr() throws Exception {
        Process agent = new ProcessBuilder(javaCommand("--agent-id", "a", "--colour", "blue")).start();
        started.add(agent);
        agent.getOutputStream().close();

        assertThat(agent.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(agent.exitValue()).isEqualTo(2);
        String stderr = new String(agent.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(stderr.lines().toList()).singleElement().asString().contains("unknown option --colour");
        assertThat(agent.getInputStream().readAllBytes()).isEmpty();
    }

    private Process launch() throws IOException {
        return launch("proc");
    }

    private Process launch(String agentId) throws IOException {
        Process agent = new ProcessBuilder(javaCommand("--agent-id", agentId, "--region", "weur", "--zone", "z1",
                "--port", "0", "--chromium", "/usr/bin/chromium", "--data-dir", dataDir.toString()))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        started.add(agent);
        return agent;
    }

    private static List<String> javaCommand(String... args) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), AgentMain.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** Reads the READY line (bounded), then keeps draining stdout so the child never blocks on it. */
    private static URI awaitReady(Process agent) throws Exception {
        BufferedReader stdout = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return stdout.readLine();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).get(30, TimeUnit.SECONDS);
        assertThat(line).startsWith("WARMPOOL_AGENT_READY http://127.0.0.1:");
        Thread.ofVirtual().start(() -> {
            try {
                stdout.transferTo(java.io.Writer.nullWriter());
            } catch (IOException e) {
                // the child is gone
            }
        });
        return URI.create(line.substring("WARMPOOL_AGENT_READY ".length()));
    }

    private static void startTwoBrowsers(URI url) {
        try (AgentClient client = new AgentClient(url)) {
            client.start("one");
            client.start("two");
            assertThat(AgentClient.json(client.get("/instances"))).hasSize(2);
        }
    }
}
