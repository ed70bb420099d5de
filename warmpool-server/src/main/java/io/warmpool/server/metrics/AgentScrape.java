package io.warmpool.server.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Re-exposes the agents' {@code warmpool_agent_*} families at the gateway's {@code /metrics}, so that one scrape
 * target suffices: each agent's {@code /metrics} is fetched at scrape time (in parallel, {@link #TIMEOUT} each), its
 * samples get {@code region} and {@code agent} labels, and the samples of one family from every agent are written
 * together under one HELP and TYPE line, as the text format requires. An agent that does not answer in time is left
 * out of that scrape. Thread-safe.
 */
public final class AgentScrape {
    public static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final String PREFIX = "warmpool_agent_";

    /** An agent to scrape: its region, id and base URL. */
    public record Target(String region, String agentId, String url) {
    }

    /** One family's comment lines and the samples gathered from every agent. */
    private record Family(List<String> comments, List<String> samples) {
    }

    private final Supplier<List<Target>> targets;
    private final Function<String, String> fetch;

    /** @param fetch reads a URL within {@link #TIMEOUT} and returns its body; throws when it cannot */
    public AgentScrape(Supplier<List<Target>> targets, Function<String, String> fetch) {
        this.targets = targets;
        this.fetch = fetch;
    }

    /** The agents' families in the Prometheus text format (empty without agents). */
    public String scrape() {
        List<Target> all = targets.get();
        if (all.isEmpty()) {
            return "";
        }
        Map<String, Family> families = new LinkedHashMap<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> bodies = new ArrayList<>();
            for (Target t : all) {
                bodies.add(pool.submit(() -> fetch.apply(t.url() + "/metrics")));
            }
            for (int i = 0; i < all.size(); i++) {
                try {
                    merge(families, all.get(i), bodies.get(i).get(TIMEOUT.toMillis() * 2, java.util.concurrent.TimeUnit.MILLISECONDS));
                } catch (Exception e) {
                    bodies.get(i).cancel(true); // this agent is left out of this scrape
                }
            }
        }
        StringBuilder out = new StringBuilder();
        families.values().forEach(f -> {
            f.comments().forEach(c -> out.append(c).append('\n'));
            f.samples().forEach(s -> out.append(s).append('\n'));
        });
        return out.toString();
    }

    private static void merge(Map<String, Family> families, Target t, String body) {
        Family current = null;
        for (String line : body.split("\n")) {
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                String name = line.substring(7).split(" ", 2)[0];
                current = name.startsWith(PREFIX) ? families.computeIfAbsent(name,
                        k -> new Family(new ArrayList<>(), new ArrayList<>())) : null;
                if (current != null && current.comments().size() < 2 && !current.comments().contains(line)) {
                    current.comments().add(line);
                }
            } else if (current != null && line.startsWith(PREFIX)) {
                current.samples().add(labelled(line, t));
            }
        }
    }

    /** The sample with {@code region} and {@code agent} labels first. */
    static String labelled(String sample, Target t) {
        String labels = "region=\"" + t.region() + "\",agent=\"" + t.agentId() + "\"";
        int brace = sample.indexOf('{');
        int space = sample.indexOf(' ');
        if (brace >= 0 && (space < 0 || brace < space)) {
            return sample.substring(0, brace + 1) + labels + (sample.charAt(brace + 1) == '}' ? "" : ",")
                    + sample.substring(brace + 1);
        }
        return sample.substring(0, space) + "{" + labels + "}" + sample.substring(space);
    }
}
