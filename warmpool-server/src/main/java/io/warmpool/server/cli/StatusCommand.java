package io.warmpool.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code warmpool status}: regions and pools of a running gateway as a table. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show regions and pools of a running gateway.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:ok", "1:the gateway failed or could not be reached",
        "2:bad usage"})
final class StatusCommand implements Callable<Integer> {
    @Mixin
    GatewayOptions gateway;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        GatewayClient client = gateway.client();
        JsonNode regions = client.get("/v1/regions").path("result");
        JsonNode pools = client.get("/v1/pools").path("result");
        if (gateway.json) {
            ObjectNode both = GatewayClient.JSON.createObjectNode();
            both.set("regions", regions);
            both.set("pools", pools);
            spec.commandLine().getOut().println(both.toPrettyString());
            return WarmpoolCli.OK;
        }
        Table t = new Table("REGION", "POOL", "WARM", "CLAIMED", "STARTING", "LOST", "WAITING", "MIN", "MAX",
                "LAG_MS", "STATE", "FALLBACKS");
        for (JsonNode p : pools) {
            JsonNode r = region(regions, p.path("region").asText());
            String state = r.path("drained").asBoolean() ? "drained" : r.path("stale").asBoolean() ? "stale" : "ok";
            if (!r.path("drainedAgents").isEmpty()) {
                state += " (agents drained: " + join(r.path("drainedAgents")) + ")";
            }
            t.row(p.path("region").asText(), p.path("pool").asText(), p.path("warm").asInt(), p.path("claimed").asInt(),
                    p.path("starting").asInt(), p.path("lost").asInt(), p.path("waiting").asInt(),
                    p.path("minIdle").asInt(), p.path("maxSize").asInt(), p.path("heartbeatLagMs").asLong(), state,
                    fallbacks(r.path("fallbacks")) + " -> " + join(r.path("backups")));
        }
        t.print(spec.commandLine().getOut());
        return WarmpoolCli.OK;
    }

    private static JsonNode region(JsonNode regions, String name) {
        for (JsonNode r : regions) {
            if (r.path("region").asText().equals(name)) {
                return r;
            }
        }
        return GatewayClient.JSON.createObjectNode();
    }

    private static String join(JsonNode array) {
        java.util.List<String> out = new java.util.ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return String.join(",", out);
    }

    private static long fallbacks(JsonNode byReason) {
        long n = 0;
        for (JsonNode v : byReason) {
            n += v.asLong();
        }
        return n;
    }
}
