package io.warmpool.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** {@code --region R | --agent ID}: what a drain or undrain is about (exactly one). */
final class DrainTarget {
    @Option(names = "--region", paramLabel = "R", required = true, description = "every instance of a region")
    String region;

    @Option(names = "--agent", paramLabel = "ID", required = true, description = "every instance of one agent")
    String agent;

    /** Posts to {@code path} and prints what the gateway did. */
    static int send(GatewayOptions gateway, DrainTarget target, String path, PrintWriter out) {
        ObjectNode body = GatewayClient.JSON.createObjectNode();
        if (target.region != null) {
            body.put("region", target.region);
        } else {
            body.put("agent", target.agent);
        }
        JsonNode result = gateway.client().post(path, body.toString()).path("result");
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
