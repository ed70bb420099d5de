package io.warmpool.server.cli;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code warmpool undrain --region R | --agent ID}: the reverse of a drain. */
@Command(name = "undrain", mixinStandardHelpOptions = true,
        description = {"Let a drained region or agent serve and refill again.",
                "Needs an operator key."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:ok", "1:the gateway refused or could not be reached",
        "2:bad usage"})
final class UndrainCommand implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "1")
    DrainTarget target;

    @Mixin
    GatewayOptions gateway;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return DrainTarget.send(gateway, target, "/v1/ops/undrain", spec.commandLine().getOut());
    }
}
