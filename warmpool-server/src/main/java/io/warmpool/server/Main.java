package io.warmpool.server;

import io.warmpool.WarmPoolException;
import io.warmpool.server.cli.WarmpoolCli;
import io.warmpool.server.config.GatewayConfig;
import io.warmpool.server.local.AgentClient;
import io.warmpool.server.local.LocalAgentProvider;
import io.warmpool.store.jdbc.PostgresInstanceStore;
import io.warmpool.store.jdbc.SqliteInstanceStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code warmpool} entry point (see {@link WarmpoolCli} for the subcommands) and the wiring of a gateway with
 * local agents. Exit codes: 0 ok, 1 failed, 2 bad usage or setup (no Chromium, bad config).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs the command line; returns the exit code (0 ok, 1 failed, 2 bad usage or setup). */
    public static int run(String[] args) {
        return WarmpoolCli.run(args, System.out, System.err);
    }

    /** Runs a gateway until SIGTERM / Ctrl-C; returns 0, or 1 when it could not start. */
    public static int serve(GatewayConfig config) {
        AgentClient agentClient = new AgentClient();
        Gateway gateway;
        try {
            gateway = start(config, agentClient);
        } catch (WarmPoolException e) {
            System.err.println("warmpool: " + e.getMessage());
            agentClient.close();
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            agentClient.close();
            stopped.countDown();
        }, "shutdown"));
        System.out.println("warmpool: gateway up at " + gateway.url() + " (regions " + config.regions().keySet()
                + "); Ctrl-C stops it");
        if (config.egressAllow().isEmpty()) {
            System.out.println("warmpool: pages may not reach loopback or private addresses; to test against a local "
                    + "server, put {\"egress\":{\"allow\":[\"127.0.0.1/32\"]}} in a --config file");
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** The gateway with SQLite shards under the data dir and one local agent per region. */
    public static Gateway start(GatewayConfig config, AgentClient agentClient) {
        return start(config, agentClient, region -> config.store().postgres()
                ? PostgresInstanceStore.open(config.store().postgresUrl(),
                        config.store().schemaPrefix() + region.name().replace('-', '_'))
                : SqliteInstanceStore.open(config.dataDir().resolve(region.name() + ".db")));
    }

    /** The gateway with the given store shards and one local agent per region. */
    public static Gateway start(GatewayConfig config, AgentClient agentClient, Gateway.StoreFactory stores) {
        String agentSecret = GatewaySecret.agentSecret(GatewaySecret.loadOrCreate(config.dataDir()));
        agentClient.authenticateWith(agentSecret);
        return Gateway.start(config, stores,
                (region, onAgentLost, url) -> new LocalAgentProvider(new LocalAgentProvider.Settings(region.name(),
                        region.zones().get(0), config.chromium(), config.dataDir().resolve("agents"), url,
                        config.heartbeat().interval(), LocalAgentProvider.Settings.currentJava(),
                        System.getProperty("java.class.path"), agentSecret, config.egressAllow()), agentClient,
                        onAgentLost));
    }

    public static Optional<Path> findChromium(Path explicit) {
        if (explicit != null) {
            return Files.isExecutable(explicit) ? Optional.of(explicit) : Optional.empty();
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path p = Path.of(dir).resolve(name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }
}
