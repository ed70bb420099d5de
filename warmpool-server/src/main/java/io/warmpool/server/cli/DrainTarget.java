package io.warmpool.server.cli;

import picocli.CommandLine.Option;

/** {@code --region R | --agent ID}: what a drain or undrain is about (exactly one). */
final class DrainTarget {
    @Option(names = "--region", paramLabel = "R", required = true, description = "every instance of a region")
    String region;

    @Option(names = "--agent", paramLabel = "ID", required = true, description = "every instance of one agent")
    String agent;
}
