package io.warmpool.server;

import io.warmpool.ConfigException;
import io.warmpool.WarmPoolException;
import io.warmpool.server.cli.WarmpoolCli;
import io.warmpool.server.config.GatewayConfig;
import io.warmpool.server.local.AgentClient;
import io.warmpool.server.local.LocalAgentProviderFactory;

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

    /** Runs a gateway until SIGTERM / Ctrl-C; 0 when stopped, 1 when it failed, 2 when its data dir or port is taken. */
    public static int serve(GatewayConfig config) {
        DataDirLock lock = null;
        try {
            lock = config.store().postgres() ? null : DataDirLock.acquire(config.dataDir());
            PortCheck.requireFree(config.bind(), config.port());
        } catch (ConfigException e) {
            System.err.println("warmpool: " + e.getMessage());
            if (lock != null) {
                lock.close();
            }
            return 2;
        }
        return serve(config, lock);
    }

    private static int serve(GatewayConfig config, DataDirLock lock) {
        AgentClient agentClient = new AgentClient();
        Gateway gateway;
        try {
            gateway = start(config, agentClient);
        } catch (RuntimeException e) {
            agentClient.close();
            if (lock != null) {
                lock.close();
            }
            if (PortCheck.isBindFailure(e)) { // taken between the check and the start
                System.err.println("warmpool: " + PortCheck.inUse(config.bind(), config.port()));
                return 2;
            }
            if (e instanceof WarmPoolException) {
                System.err.println("warmpool: " + e.getMessage());
                return 1;
            }
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            agentClient.close();
            if (lock != null) {
                lock.close();
            }
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

    /** The gateway with the configured store (found through ServiceLoader) and one local agent per region. */
    public static Gateway start(GatewayConfig config, AgentClient agentClient) {
        return start(config, agentClient, StoreDiscovery.configured(config));
    }

    /** The gateway with the given store shards and one local agent per region (the provider found as {@code local}). */
    public static Gateway start(GatewayConfig config, AgentClient agentClient, Gateway.StoreFactory stores) {
        String agentSecret = GatewaySecret.agentSecret(GatewaySecret.loadOrCreate(config.dataDir()));
        agentClient.authenticateWith(agentSecret);
        return Gateway.start(config, stores, ProviderDiscovery.configured(LocalAgentProviderFactory.NAME, config,
                agentClient, agentSecret));
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
