package io.warmpool.server;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code warmpool check-url [--config FILE] URL...} as a picocli subcommand; {@link CheckUrlCommand} does the work. */
@Command(name = "check-url", mixinStandardHelpOptions = true,
        description = "The egress guard's verdict on each URL (allowed URL address | blocked URL reason); sends nothing.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:every URL allowed", "1:some blocked",
        "2:bad usage or config"})
public final class CheckUrlSubcommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "a config file whose egress.allow applies")
    Path config;

    @Parameters(paramLabel = "URL", arity = "1..*", description = "the URLs to check")
    List<String> urls;

    @Override
    public Integer call() {
        List<String> args = new ArrayList<>();
        if (config != null) {
            args.add("--config");
            args.add(config.toString());
        }
        args.addAll(urls);
        return CheckUrlCommand.run(args, System.out, System.err);
    }
}
