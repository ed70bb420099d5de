package io.warmpool.server.cli;

import io.warmpool.ConfigException;
import io.warmpool.agent.Agent;
import io.warmpool.agent.AgentConfig;
import io.warmpool.agent.GatewayLink;
import io.warmpool.protocol.AgentMessages.Registration;
import io.warmpool.protocol.AgentProtocol;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code warmpool agent}: an agent on any host that registers with the gateways and runs the instances they place on
 * it, until SIGTERM. The cluster secret comes from a file (never from the command line, where ps shows it).
 * Once it listens it prints one stdout line {@code warmpool agent <id> listening on <url>}.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Run an agent that registers with the gateways and runs the browsers they place on it.",
                "Example: warmpool agent --gateways http://gw1:8080,http://gw2:8080 --region weur --zone weur-a"
                        + " --pool browser --capacity 8 --secret-file /etc/warmpool/cluster.secret"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped", "1:every gateway refused it, or it could not start", "2:bad usage or setup"})
final class AgentCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--gateways", required = true, split = ",", paramLabel = "URL",
            description = "gateways to register with and report to, in failover order")
    List<URI> gateways;
    @Option(names = "--region", required = true)
    String region;
    @Option(names = "--zone", required = true)
    String zone;
    @Option(names = "--pool", required = true, split = ",", description = "pools this agent runs (repeat or comma-separate)")
    List<String> pools;
    @Option(names = "--capacity", required = true, description = "the most instances it runs at once")
    int capacity;
    @Option(names = "--secret-file", required = true, paramLabel = "FILE", description = "file holding the cluster secret")
    Path secretFile;
    @Option(names = "--data-dir", paramLabel = "DIR", description = "browser profiles (default: ${DEFAULT-VALUE})")
    Path dataDir = Path.of(System.getProperty("java.io.tmpdir"), "warmpool-agent");
    @Option(names = "--listen", paramLabel = "HOST", description = "address the agent listens on and advertises"
            + " (default: ${DEFAULT-VALUE})")
    String listen = "127.0.0.1";
    @Option(names = "--port", description = "port of the agent's HTTP API; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int port;
    @Option(names = "--chromium", paramLabel = "PATH", description = "full Chromium (default: ${DEFAULT-VALUE})")
    Path chromium = Path.of("/usr/bin/chromium");
    @Option(names = "--headless-shell", paramLabel = "PATH", description = "(default: ${DEFAULT-VALUE})")
    Path headlessShell = Path.of("/usr/bin/chromium-headless-shell");

    @Override
    public Integer call() throws Exception {
        if (capacity < 1) {
            throw new CliFailure(WarmpoolCli.USAGE, "capacity must be >= 1 (capacity=" + capacity + ")");
        }
        String secret = secret();
        String id = zone + "-" + host().replaceAll("[^A-Za-z0-9._-]", "-") + "-" + ProcessHandle.current().pid();
        String agentId = id.length() <= 64 ? id : id.substring(id.length() - 64);
        List<String> args = new ArrayList<>(Arrays.asList("--agent-id", agentId, "--region", region, "--zone", zone,
                "--port", Integer.toString(port), "--chromium", chromium.toString(), "--data-dir", dataDir.toString()));
        if (Files.isExecutable(headlessShell)) {
            args.addAll(List.of("--headless-shell", headlessShell.toString()));
        }
        AgentConfig config;
        try {
            config = AgentConfig.fromArgs(Map.of(AgentConfig.SECRET_ENV, secret), args.toArray(String[]::new));
        } catch (ConfigException e) {
            throw new CliFailure(WarmpoolCli.USAGE, e.getMessage());
        }
        GatewayLink[] link = new GatewayLink[1];
        Agent agent = Agent.startRemote(config, listen, a -> link[0] = new GatewayLink(gateways,
                () -> new Registration(agentId, region, zone, List.copyOf(pools), capacity, a.url().toString(),
                        AgentProtocol.VERSION), a.http(), secret));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            stopped.countDown();
        }, "warmpool-agent-shutdown"));
        if (link[0].registerEverywhere().stream().allMatch(o -> o == GatewayLink.Outcome.REFUSED)) {
            agent.close();
            throw new CliFailure(WarmpoolCli.FAILED, "every gateway refused agent " + agentId + " (see above)");
        }
        spec.commandLine().getOut().println("warmpool agent " + agentId + " listening on " + agent.url());
        stopped.await();
        return WarmpoolCli.OK;
    }

    private String secret() {
        try {
            String s = Files.readString(secretFile, StandardCharsets.UTF_8).strip();
            if (s.isEmpty()) {
                throw new CliFailure(WarmpoolCli.USAGE, "secret-file is empty (secret-file=" + secretFile + ")");
            }
            return s;
        } catch (IOException e) {
            throw new CliFailure(WarmpoolCli.USAGE, "cannot read secret-file (secret-file=" + secretFile + "): " + e);
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "host";
        }
    }
}
