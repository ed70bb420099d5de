package io.warmpool.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The {@code warmpool} command line: {@code up} runs a gateway, the other subcommands talk to a running one.
 * Exit codes, part of the interface: 0 ok, 1 failed, 2 bad usage or setup. Without a subcommand, {@code up} is
 * meant ({@code warmpool --port 8080} still works).
 */
@Command(name = "warmpool", mixinStandardHelpOptions = true, version = "warmpool 0.1.0",
        description = "Regional pools of pre-warmed browsers.",
        subcommands = {UpCommand.class, AgentCommand.class, StatusCommand.class, SessionsCommand.class, DrainCommand.class,
                UndrainCommand.class, HashKeyCommand.class, io.warmpool.server.CheckUrlSubcommand.class,
                io.warmpool.server.simulate.SimulateSubcommand.class})
public final class WarmpoolCli {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    private static final Set<String> TOP_LEVEL = Set.of("-h", "--help", "-V", "--version");

    /** Runs {@code args}; every message goes to {@code out} or {@code err}; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new WarmpoolCli());
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setExitCodeExceptionMapper(e -> e instanceof CliFailure f ? f.exitCode() : FAILED);
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("warmpool: " + e.getMessage());
            e.getCommandLine().getErr().println("(see: warmpool " + e.getCommandLine().getCommandName()
                    .replace("warmpool", "").trim() + " --help)");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            if (e instanceof CliFailure f) {
                c.getErr().println("warmpool: " + f.getMessage());
                return f.exitCode();
            }
            c.getErr().println("warmpool: " + e);
            return FAILED;
        });
        return cli.execute(withDefaultSubcommand(args));
    }

    private static String[] withDefaultSubcommand(String[] args) {
        if (args.length > 0 && (!args[0].startsWith("-") || TOP_LEVEL.contains(args[0]))) {
            return args;
        }
        String[] up = new String[args.length + 1];
        up[0] = "up";
        System.arraycopy(args, 0, up, 1, args.length);
        return up;
    }
}
