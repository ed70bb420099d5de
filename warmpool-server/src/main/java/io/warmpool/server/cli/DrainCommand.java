package io.warmpool.server.cli;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code warmpool drain --region R | --agent ID}. */
@Command(name = "drain", mixinStandardHelpOptions = true,
        description = {"Stop handing out the instances of a region or an agent, let their sessions end or idle out,",
                "then stop them. Callers of a drained region go to its backup. Needs an operator key."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:ok", "1:the gateway refused or could not be reached",
        "2:bad usage"})
final class DrainCommand implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "1")
    DrainTarget target;

    @Mixin
    GatewayOptions gateway;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return DrainTarget.send(gateway, target, "/v1/ops/drain", spec.commandLine().getOut());
    }
}
