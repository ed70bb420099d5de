package io.warmpool.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code warmpool sessions}: every live session of a running gateway. */
@Command(name = "sessions", mixinStandardHelpOptions = true, description = "List the live sessions of a running gateway.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:ok", "1:the gateway failed or could not be reached",
        "2:bad usage"})
final class SessionsCommand implements Callable<Integer> {
    @Mixin
    GatewayOptions gateway;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        JsonNode sessions = gateway.client().get("/v1/ops/sessions").path("result");
        if (gateway.json) {
            spec.commandLine().getOut().println(sessions.toPrettyString());
            return WarmpoolCli.OK;
        }
        Table t = new Table("SESSION", "TENANT", "REGION", "POOL", "INSTANCE", "AGENT", "EXPIRES", "DRAINED");
        for (JsonNode s : sessions) {
            t.row(s.path("session").asText(), s.path("tenant").asText(), s.path("region").asText(),
                    s.path("pool").asText(), s.path("instance").asText(), s.path("agent").asText(),
                    s.path("expiresAt").asText(), s.path("drained").asBoolean());
        }
        t.print(spec.commandLine().getOut());
        return WarmpoolCli.OK;
    }
}
