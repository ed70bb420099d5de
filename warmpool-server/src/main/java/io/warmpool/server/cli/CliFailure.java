package io.warmpool.server.cli;

/** A subcommand failed in a way it has explained; the message is printed as one line after "warmpool: ". */
final class CliFailure extends RuntimeException {
    private final int exitCode;

    CliFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
