package io.warmpool.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code drain} and {@code undrain}: one target ({@code --region R | --agent ID}), posted to the gateway. */
abstract class DrainTargetCommand implements Callable<Integer> {
    private final String path;

    @ArgGroup(exclusive = true, multiplicity = "1")
    DrainTarget target;

    @Mixin
    GatewayOptions gateway;

    @Spec
    CommandSpec spec;

    DrainTargetCommand(String path) {
        this.path = path;
    }

    @Override
    public Integer call() {
        ObjectNode body = GatewayClient.JSON.createObjectNode();
        if (target.region != null) {
            body.put("region", target.region);
        } else {
            body.put("agent", target.agent);
        }
        JsonNode result = gateway.client().post(path, body.toString()).path("result");
        PrintWriter out = spec.commandLine().getOut();
        if (gateway.json) {
            out.println(result.toPrettyString());
        } else {
            String what = target.region != null ? "region " + target.region : "agent " + target.agent;
            out.println(result.path("drained").asBoolean()
                    ? what + " drained: nothing new is handed out there; " + result.path("liveInstances").asLong()
                    + " instances stop as their sessions end or idle out"
                    : what + " undrained: it serves and refills again");
        }
        return WarmpoolCli.OK;
    }
}
