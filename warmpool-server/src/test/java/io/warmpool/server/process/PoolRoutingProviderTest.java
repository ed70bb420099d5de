package io.warmpool.server.process;

import io.warmpool.HeartbeatReport;
import io.warmpool.Instance;
import io.warmpool.process.ProcessTemplate;
import io.warmpool.process.Readiness;
import io.warmpool.spi.InstanceProvider;
import io.warmpool.testkit.PooledHttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Process pools go to local processes (real ones here), every other pool to the browsers' provider. */
class PoolRoutingProviderTest {
    @TempDir
    Path dir;

    /** Records what the browsers' side is asked. */
    private static final class Browsers implements InstanceProvider {
        final List<String> calls = new CopyOnWriteArrayList<>();
        boolean closed;

        @Override
        public Placement place(String region, String pool) {
            calls.add("place " + pool);
            return new Placement("agent-1", "weur-a");
        }

        @Override
        public Started start(Instance instance) {
            calls.add("start " + instance.id());
            return new Started("ws://127.0.0.1:1/devtools/browser/x", "http://127.0.0.1:2");
        }

        @Override
        public void stop(Instance instance) {
            calls.add("stop " + instance.id());
        }

        @Override
        public boolean reset(Instance instance) {
            calls.add("reset " + instance.id());
            return true;
        }

        @Override
        public boolean admits(String agentId) {
            return agentId.equals("agent-1");
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static Instance instance(String id, String pool, String agent) {
        Instant now = Instant.now();
        return Instance.starting(id, "weur", pool, "weur-a", agent, "1", now, now.plusSeconds(600));
    }

    @Test
    void eachPoolGoesToItsOwnKindAndProcessHeartbeatsReachTheSink() {
        Browsers browsers = new Browsers();
        ProcessTemplate echo = ProcessTemplate.builder(PooledHttpServer.command(dir).toArray(String[]::new))
                .readiness(Readiness.http("http://127.0.0.1:{port}/health")).build();
        List<HeartbeatReport> beats = new CopyOnWriteArrayList<>();
        try (PoolRoutingProvider p = new PoolRoutingProvider("weur", browsers, Map.of("echo", echo),
                dir.resolve("processes"), Duration.ofMillis(50), InstantSource.system())) {
            p.reportTo(beats::add);
            InstanceProvider.Placement browserPlace = p.place("weur", "browser");
            assertThat(browserPlace.agentId()).isEqualTo("agent-1");
            assertThat(p.start(instance("b1", "browser", "agent-1")).cdpUrl()).startsWith("ws://");
            assertThat(browsers.calls).containsExactly("place browser", "start b1");

            InstanceProvider.Placement processPlace = p.place("weur", "echo");
            assertThat(processPlace.agentId()).startsWith("local-");
            InstanceProvider.Started started = p.start(instance("e1", "echo", processPlace.agentId()));
            assertThat(started.cdpUrl()).isNull();
            assertThat(started.agentUrl()).startsWith("http://127.0.0.1:");
            assertThat(p.processes().process("e1")).isPresent();
            assertThat(browsers.calls).hasSize(2); // the browsers' side never saw the process instance

            assertThat(p.admits("agent-1")).isTrue();
            assertThat(p.admits(processPlace.agentId())).isTrue();
            assertThat(p.admits("stranger")).isFalse();
            assertThat(PooledHttpServer.await(Duration.ofSeconds(5),
                    () -> beats.stream().anyMatch(b -> b.instanceId().equals("e1") && b.alive()))).isTrue();
            p.stop(instance("e1", "echo", processPlace.agentId()));
            assertThat(p.processes().process("e1")).isEmpty();
        }
        assertThat(browsers.closed).isTrue();
        assertThat(PooledHttpServer.mentioning(dir.toString())).isEmpty();
    }
}
