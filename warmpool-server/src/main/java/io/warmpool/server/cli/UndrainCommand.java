package io.warmpool.server.cli;

import picocli.CommandLine.Command;

/** {@code warmpool undrain --region R | --agent ID}: the reverse of a drain. */
@Command(name = "undrain", mixinStandardHelpOptions = true,
        description = {"Let a drained region or agent serve and refill again.", "Needs an operator key."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:ok", "1:the gateway refused or could not be reached",
        "2:bad usage"})
final class UndrainCommand extends DrainTargetCommand {
    UndrainCommand() {
        super("/v1/ops/undrain");
    }
}
