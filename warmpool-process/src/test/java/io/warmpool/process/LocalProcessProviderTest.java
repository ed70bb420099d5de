package io.warmpool.process;

import io.warmpool.HeartbeatReport;
import io.warmpool.Instance;
import io.warmpool.ProviderException;
import io.warmpool.testkit.PooledHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.warmpool.testkit.PooledHttpServer.await;
import static io.warmpool.testkit.PooledHttpServer.gone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real processes on loopback: a few lines of Python as the pooled server. */
class LocalProcessProviderTest {
    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<LocalProcessProvider> providers = new ArrayList<>();

    @AfterEach
    void closeAll() {
        providers.forEach(LocalProcessProvider::close);
        http.close();
        assertThat(PooledHttpServer.mentioning(dir.toString())).as("processes left").isEmpty();
    }

    private LocalProcessProvider provider(ProcessTemplate template) {
        LocalProcessProvider p = new LocalProcessProvider(Map.of("svc", template), dir.resolve("data"));
        providers.add(p);
        return p;
    }

    private ProcessTemplate.Builder server() {
        return ProcessTemplate.builder(PooledHttpServer.command(dir).toArray(String[]::new));
    }

    private static Instance instance(String id) {
        Instant now = Instant.now();
        return Instance.starting(id, "local", "svc", "local", "a", "1", now, now.plusSeconds(600));
    }

    private String get(URI url) throws Exception {
        return http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void eachReadinessProbeWaitsUntilTheServerAnswers() throws Exception {
        for (Readiness r : List.of(Readiness.http("http://127.0.0.1:{port}/health"), Readiness.tcp(),
                Readiness.outputLine("listening on \\d+"))) {
            LocalProcessProvider p = provider(server().readiness(r).build());
            String id = "i-" + r.getClass().getSimpleName().toLowerCase();
            URI url = URI.create(p.start(instance(id)).agentUrl());
            assertThat(get(url)).as(r.toString()).contains("\"count\": 1");
            assertThat(p.process(id).orElseThrow().dataDir()).isDirectory();
        }
    }

    @Test
    void stopKillsTheWholeGroupAndDeletesTheDataDir() throws Exception {
        // the command leaves a grandchild behind ("sleep"): the group kill must take it too
        Path script = Path.of(PooledHttpServer.command(dir).get(2));
        LocalProcessProvider p = provider(ProcessTemplate.builder("sh", "-c",
                "sleep 300 & exec python3 -u " + script + " {port}").stopTimeout(Duration.ofMillis(200)).build());
        Instance i = instance("i-group");
        p.start(i);
        ProcessInstance process = p.process("i-group").orElseThrow();
        List<Long> members = PooledHttpServer.mentioning(dir.toString());
        assertThat(members).hasSizeGreaterThanOrEqualTo(2);
        p.stop(i);
        assertThat(await(Duration.ofSeconds(5), () -> PooledHttpServer.mentioning(dir.toString()).isEmpty())).isTrue();
        assertThat(Files.exists(process.dataDir())).isFalse();
        assertThat(gone(process.pid())).isTrue();
    }

    @Test
    void aProcessThatNeverBecomesReadyFailsItsStartAndLeavesNothing() {
        LocalProcessProvider p = provider(ProcessTemplate.builder("sh", "-c", "echo booting " + dir + "; sleep 300")
                .readiness(Readiness.outputLine("never")).startTimeout(Duration.ofMillis(400)).build());
        assertThatThrownBy(() -> p.start(instance("i-slow"))).isInstanceOf(ProviderException.class)
                .hasMessageContaining("not ready within 400 ms").hasMessageContaining("booting");
        assertThat(p.lastStartFailure()).contains("i-slow");
        assertThat(p.size()).isZero();
        assertThat(Files.exists(dir.resolve("data").resolve("i-slow"))).isFalse();
    }

    @Test
    void aProcessThatExitsDuringStartFailsAtOnceWithItsOutput() {
        LocalProcessProvider p = provider(ProcessTemplate.builder("sh", "-c", "echo no config >&2; exit 3")
                .startTimeout(Duration.ofSeconds(30)).build());
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> p.start(instance("i-exit"))).isInstanceOf(ProviderException.class)
                .hasMessageContaining("exited during start").hasMessageContaining("no config");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void resetsByHttpCallByCommandOrByReplacing() throws Exception {
        LocalProcessProvider byHttp = provider(server().reset(Reset.httpCall("http://127.0.0.1:{port}/reset")).build());
        Instance a = instance("i-http");
        URI url = URI.create(byHttp.start(a).agentUrl());
        get(url);
        get(url);
        assertThat(byHttp.reset(a)).isTrue();
        assertThat(get(url)).contains("\"count\": 1");

        LocalProcessProvider byCommand = provider(server().reset(Reset.command("sh", "-c", "touch {dataDir}/cleaned"))
                .build());
        Instance b = instance("i-cmd");
        byCommand.start(b);
        assertThat(byCommand.reset(b)).isTrue();
        assertThat(byCommand.process("i-cmd").orElseThrow().dataDir().resolve("cleaned")).exists();

        LocalProcessProvider failing = provider(server().reset(Reset.command("false")).build());
        Instance c = instance("i-false");
        failing.start(c);
        assertThat(failing.reset(c)).isFalse();

        LocalProcessProvider replacing = provider(server().reset(Reset.replace()).build());
        Instance d = instance("i-replace");
        replacing.start(d);
        assertThat(replacing.reset(d)).isFalse();
    }

    @Test
    void aKilledProcessIsReportedDeadAndItsGroupGoesWhenStopped() throws Exception {
        LocalProcessProvider p = provider(server().build());
        Instance i = instance("i-kill");
        p.start(i);
        long pid = p.process("i-kill").orElseThrow().pid();
        assertThat(p.heartbeats(Instant.now())).extracting(HeartbeatReport::alive).containsExactly(true);
        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
        assertThat(await(Duration.ofSeconds(5), () -> !p.heartbeats(Instant.now()).getFirst().alive())).isTrue();
        assertThat(p.ping(i)).isFalse();
        p.stop(i);
        assertThat(PooledHttpServer.mentioning(dir.toString())).isEmpty();
    }

    @Test
    void limitsAreSetOnTheProcess() throws Exception {
        LocalProcessProvider p = provider(server().limits(new ResourceLimits(4L << 30, 3600, 256)).build());
        p.start(instance("i-limits"));
        long pid = p.process("i-limits").orElseThrow().pid();
        String limits = Files.readString(Path.of("/proc", Long.toString(pid), "limits"));
        assertThat(limits).containsPattern("Max open files\\s+256\\s+256")
                .containsPattern("Max cpu time\\s+3600\\s+3600")
                .containsPattern("Max address space\\s+" + (4L << 30) + "\\s+" + (4L << 30));
    }

    @Test
    void placeholdersReachTheEnvironment() throws Exception {
        LocalProcessProvider p = provider(ProcessTemplate.builder("sh", "-c", "echo port=$MY_PORT dir=$MY_DIR; sleep 300")
                .env("MY_PORT", "{port}").env("MY_DIR", "{dataDir}").readiness(Readiness.outputLine("port=\\d+"))
                .build());
        p.start(instance("i-env"));
        ProcessInstance process = p.process("i-env").orElseThrow();
        assertThat(process.outputTail()).containsExactly("port=" + process.port() + " dir=" + process.dataDir());
    }

    @Test
    void badTemplatesNameTheField() {
        assertThatThrownBy(() -> ProcessTemplate.builder().build()).hasMessageContaining("process.command");
        assertThatThrownBy(() -> ProcessTemplate.builder("x").startTimeout(Duration.ZERO).build())
                .hasMessageContaining("process.startTimeout must be a positive duration (startTimeout=PT0S)");
        assertThatThrownBy(() -> new ResourceLimits(-1, 0, 0)).hasMessageContaining("addressSpaceBytes=-1");
        assertThatThrownBy(() -> provider(server().build()).start(
                Instance.starting("i-x", "local", "other", "local", "a", "1", Instant.now(), Instant.now())))
                .isInstanceOf(ProviderException.class).hasMessageContaining("no process template for pool other");
    }
}
