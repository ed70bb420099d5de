package io.warmpool.server.cli;

import picocli.CommandLine.Command;

/** {@code warmpool drain --region R | --agent ID}. */
@Command(name = "drain", mixinStandardHelpOptions = true,
        description = {"Stop handing out the instances of a region or an agent, let their sessions end or idle out,",
                "then stop them. Callers of a drained region go to its backup. Needs an operator key."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:ok", "1:the gateway refused or could not be reached",
        "2:bad usage"})
final class DrainCommand extends DrainTargetCommand {
    DrainCommand() {
        super("/v1/ops/drain");
    }
}
