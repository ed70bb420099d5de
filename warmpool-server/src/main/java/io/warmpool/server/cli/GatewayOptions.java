package io.warmpool.server.cli;

import picocli.CommandLine.Option;

/** How a subcommand reaches a running gateway, and how it answers. */
final class GatewayOptions {
    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:WARMPOOL_URL:-http://127.0.0.1:8080}",
            description = "the gateway (default: $WARMPOOL_URL or ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--key", paramLabel = "KEY", defaultValue = "${env:WARMPOOL_KEY}",
            description = "an API key or a read-only key (default: $WARMPOOL_KEY; the variable keeps it out of ps)")
    String key;

    @Option(names = "--json", description = "print the gateway's JSON instead of a table")
    boolean json;

    GatewayClient client() {
        return new GatewayClient(url, key);
    }
}
