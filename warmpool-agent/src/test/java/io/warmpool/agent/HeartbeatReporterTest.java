package io.warmpool.agent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The reporter against a fake gateway that can fail; no browser involved. */
class HeartbeatReporterTest {
    private static final Duration AWAIT = Duration.ofSeconds(5);

    private FakeGateway gateway;
    private HttpClient http;

    @BeforeEach
    void startGateway() throws Exception {
        gateway = new FakeGateway();
        http = HttpClient.newHttpClient();
    }

    @AfterEach
    void stopGateway() {
        gateway.close();
        http.shutdownNow();
    }

    @Test
    void aDeathIsRepeatedUntilTheGatewayAcceptsIt() {
        gateway.answer(503);
        try (HeartbeatReporter reporter = reporter(Duration.ofMillis(100), List.of())) {
            reporter.start();
            reporter.reportDead("gone-1");
            assertThat(Processes.await(AWAIT, () -> gateway.refused() >= 3)).isTrue();

            gateway.answer(204);

            assertThat(Processes.await(AWAIT, () -> gateway.reported("gone-1", false))).isTrue();
        }
    }

    @Test
    void aDeathIsReportedAtOnceNotAtTheNextInterval() {
        try (HeartbeatReporter reporter = reporter(Duration.ofHours(1), List.of())) {
            reporter.start();
            assertThat(Processes.await(AWAIT, () -> gateway.reports().size() == 1)).as("the first periodic report").isTrue();

            reporter.reportDead("gone-2");

            assertThat(Processes.await(AWAIT, () -> gateway.reported("gone-2", false))).isTrue();
        }
    }

    @Test
    void anUnreachableGatewayNeverStopsTheReporterAndCloseIsPrompt() throws Exception {
        int port = TestPages.closedPort();
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        HeartbeatReporter reporter = new HeartbeatReporter(URI.create("http://127.0.0.1:" + port), "a", "weur",
                Duration.ofMillis(20), () -> {
                    attempts.incrementAndGet();
                    return List.of();
                }, InstantSource.system(), http);
        reporter.start();
        assertThat(Processes.await(AWAIT, () -> attempts.get() >= 4))
                .as("it keeps reporting after failed posts").isTrue();

        long t0 = System.nanoTime();
        reporter.close();

        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("warmpool-heartbeat-a"));
    }

    @Test
    void heartbeatsFailOverAlongTheGatewaysAndComeBackWhenTheOtherFails() throws Exception {
        try (FakeGateway second = new FakeGateway()) {
            gateway.answer(503);
            GatewayLink link = new GatewayLink(List.of(gateway.url(), second.url()), null, http, null);
            try (HeartbeatReporter reporter = new HeartbeatReporter(link, "agent-x", "weur", Duration.ofMillis(50),
                    List::of, InstantSource.system(), System::nanoTime, http, null)) {
                reporter.start();
                assertThat(Processes.await(AWAIT, () -> second.reports().size() >= 3))
                        .as("the first gateway fails: reports go to the next one").isTrue();

                gateway.answer(204);
                second.answer(503);
                int before = gateway.reports().size();
                assertThat(Processes.await(AWAIT, () -> gateway.reports().size() >= before + 3))
                        .as("the second fails: back to the first").isTrue();
            }
        }
    }

    private HeartbeatReporter reporter(Duration interval, List<io.warmpool.protocol.AgentMessages.InstanceStatus> instances) {
        return new HeartbeatReporter(gateway.url(), "agent-x", "weur", interval, () -> instances,
                InstantSource.system(), http);
    }
}
