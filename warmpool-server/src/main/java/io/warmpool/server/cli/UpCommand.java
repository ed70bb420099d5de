package io.warmpool.server.cli;

import io.warmpool.ConfigException;
import io.warmpool.server.Main;
import io.warmpool.server.config.ConfigReader;
import io.warmpool.server.config.GatewayConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code warmpool up}: runs the gateway with local agents until SIGTERM / Ctrl-C. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Run the gateway with local agents and SQLite shards (or PostgreSQL, per --config) until Ctrl-C.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:stopped normally", "1:failed while running",
        "2:bad usage or setup (no Chromium, bad config)"})
final class UpCommand implements Callable<Integer> {
    @Option(names = "--port", paramLabel = "N", description = "HTTP port (default 8080, or the config's; 0 picks one)")
    Integer port;

    @Option(names = "--config", paramLabel = "FILE", description = "a JSON config file (see README)")
    Path config;

    @Option(names = "--chromium", paramLabel = "PATH", description = "the browser binary (default: chromium on PATH)")
    Path chromium;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data",
            description = "shards, agents' files and the gateway secret (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--log-format", paramLabel = "FORMAT",
            description = "text (default) or json (one JSON object per line, for log shippers)")
    String logFormat;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (port != null && (port < 0 || port > 65535)) {
            throw new ParameterException(spec.commandLine(), "--port must be between 0 and 65535 (got '" + port + "')");
        }
        try {
            if (logFormat != null) {
                io.warmpool.server.LogFormat.parse(logFormat).use();
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--log-format must be text or json (got '" + logFormat + "')");
        }
        Optional<Path> browser = Main.findChromium(chromium);
        if (browser.isEmpty()) {
            throw new CliFailure(WarmpoolCli.USAGE, "Chromium not found" + (chromium == null ? " on PATH" : " at " + chromium)
                    + "; install it with `sudo apt-get install -y chromium` or pass --chromium /path/to/chromium");
        }
        GatewayConfig gateway;
        try {
            gateway = GatewayConfig.demo(dataDir, browser.get(), port == null ? 8080 : port);
            if (config != null) {
                gateway = ConfigReader.read(config, gateway);
                if (port != null) {
                    gateway = gateway.withPort(port);
                }
            }
        } catch (ConfigException e) {
            throw new CliFailure(WarmpoolCli.USAGE, e.getMessage());
        }
        return Main.serve(gateway);
    }
}
