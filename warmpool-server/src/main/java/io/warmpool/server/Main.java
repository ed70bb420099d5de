package io.warmpool.server;

import io.warmpool.ConfigException;
import io.warmpool.WarmPoolException;
import io.warmpool.server.config.ConfigReader;
import io.warmpool.server.config.GatewayConfig;
import io.warmpool.server.local.AgentClient;
import io.warmpool.server.local.LocalAgentProvider;
import io.warmpool.server.local.PoolBrowsers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * {@code warmpool up [--port N] [--config FILE] [--chromium PATH] [--data-dir DIR]}: runs the gateway with local
 * agents and SQLite shards until SIGTERM / Ctrl-C, then stops every process it started.
 * Exit codes: 0 stopped normally, 1 failed while running, 2 bad usage or setup (no Chromium, bad config).
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

    static int run(String[] args) {
        if (args.length > 0 && args[0].equals("simulate")) {
            return io.warmpool.server.simulate.SimulateCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err);
        }
        if (args.length == 2 && args[0].equals("hash-key")) {
            System.out.println(io.warmpool.server.http.KeyHash.of(args[1]));
            return 0;
        }
        if (args.length > 0 && args[0].equals("check-url")) {
            return CheckUrlCommand.run(List.of(args).subList(1, args.length), System.out, System.err);
        }
        CommandLine cli;
        try {
            cli = CommandLine.parse(args);
        } catch (ConfigException e) {
            System.err.println("warmpool: " + e.getMessage());
            System.err.println(CommandLine.USAGE);
            return 2;
        }
        if (cli.help()) {
            System.out.println(CommandLine.USAGE);
            return 0;
        }
        Optional<Path> chromium = findChromium(cli.chromium());
        if (chromium.isEmpty()) {
            System.err.println("warmpool: Chromium not found" + (cli.chromium() == null ? " on PATH" : " at " + cli.chromium())
                    + "; install it with `sudo apt-get install -y chromium` or pass --chromium /path/to/chromium");
            return 2;
        }
        GatewayConfig config;
        try {
            config = GatewayConfig.demo(cli.dataDir(), chromium.get(), cli.port() == null ? 8080 : cli.port());
            if (cli.config() != null) {
                config = ConfigReader.read(cli.config(), config);
                if (cli.port() != null) {
                    config = config.withPort(cli.port());
                }
            }
        } catch (ConfigException e) {
            System.err.println("warmpool: " + e.getMessage());
            return 2;
        }
        return serve(config);
    }

    private static int serve(GatewayConfig config) {
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

    /** The gateway with the given store shards and one local agent per region. */
    public static Gateway start(GatewayConfig config, AgentClient agentClient, Gateway.StoreFactory stores) {
        String agentSecret = GatewaySecret.agentSecret(GatewaySecret.loadOrCreate(config.dataDir()));
        agentClient.authenticateWith(agentSecret);
        PoolBrowsers browsers = PoolBrowsers.choose(config.pools().values());
        return Gateway.start(config, stores,
                (region, onAgentLost, url) -> new LocalAgentProvider(new LocalAgentProvider.Settings(region.name(),
                        region.zones().get(0), config.chromium(), config.dataDir().resolve("agents"), url,
                        config.heartbeat().interval(), LocalAgentProvider.Settings.currentJava(),
                        System.getProperty("java.class.path"), agentSecret, config.egressAllow(), browsers),
                        agentClient, onAgentLost));
    }

    static Optional<Path> findChromium(Path explicit) {
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
