package io.warmpool.agent;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real agent with one started Chromium instance and local test pages, for quick-action tests; closing stops
 * everything and checks that no process is left under the data dir.
 */
final class OneBrowser implements AutoCloseable {
    final TestPages pages;
    final Agent agent;
    final AgentClient client;
    private final Path dataDir;

    OneBrowser(String agentId, String instanceId, Path dataDir) throws Exception {
        this.dataDir = dataDir;
        pages = new TestPages();
        agent = Agent.start(AgentConfig.fromArgs("--agent-id", agentId, "--region", "weur", "--zone", "z1",
                "--port", "0", "--chromium", "/usr/bin/chromium", "--data-dir", dataDir.toString(),
                "--allow", "127.0.0.1/32")); // the test pages are on 127.0.0.1, which the egress guard refuses by default
        client = new AgentClient(agent.url());
        client.start(instanceId);
    }

    @Override
    public void close() {
        agent.close();
        client.close();
        pages.close();
        assertThat(Processes.await(Duration.ofSeconds(5), () -> Processes.mentioning(dataDir).isEmpty()))
                .as("no process left under %s", dataDir).isTrue();
    }
}
