package io.warmpool.server.simulate;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code warmpool simulate …} as a picocli subcommand. Its arguments (part of the interface) are parsed by
 * {@link SimulateCommand}, which also prints its usage for {@code --help}; exit codes 0 done, 2 bad arguments.
 */
@Command(name = "simulate", description = "Replays a demand trace through the real pools on virtual time.")
public final class SimulateSubcommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        return SimulateCommand.run(args.toArray(String[]::new), System.out, System.err);
    }
}
