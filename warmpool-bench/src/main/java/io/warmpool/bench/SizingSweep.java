package io.warmpool.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warmpool.server.simulate.SimulateCommand;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Adaptive against the best {@code fixed:N} and the best {@code exact:N} on each trace: for each fixed family, the
 * least N whose replay reaches {@code --hit} warm hits (found by doubling, then bisection; each step is one
 * {@code warmpool simulate} run, in this JVM). Warmth cost = idle instance-seconds + 1 per start. Prints a Markdown
 * table, one row per policy per trace.
 *
 * <p>With {@code --hindsight true} it adds, per family, the cheapest choice of one N <em>per pool</em> that reaches
 * {@code --hit} over all acquires, picked with the whole trace known in advance ({@link HindsightSizing}): a baseline
 * no real fixed configuration can beat, shown beside the others ("cost / best fixed" still divides by the best
 * single N).
 *
 * <pre>java -cp "$CP" io.warmpool.bench.SizingSweep --traces target/traces/whole.csv,target/traces/fn-1.csv</pre>
 */
public final class SizingSweep {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(String policy, double hitRate, double idle, long starts, int peak, double p99) {
        double cost() {
            return idle + starts;
        }
    }

    private SizingSweep() {
    }

    public static void main(String[] args) {
        BenchOptions o = BenchOptions.parse(args, Set.of("traces", "hit", "start-ms", "hindsight"));
        String traces = o.text("traces", "target/traces/whole.csv");
        double hit = Double.parseDouble(o.text("hit", "0.995"));
        String startMs = o.text("start-ms", "373");
        boolean hindsight = Boolean.parseBoolean(o.text("hindsight", "false"));
        System.out.println("| trace | policy | warm hits | wait p99 | idle instance-s | starts | warmth cost | peak | cost / best fixed |");
        System.out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (String t : traces.split(",")) {
            Path trace = Path.of(t);
            Run adaptive = simulate(trace, "adaptive", startMs);
            Run fixed = least(trace, "fixed", hit, startMs);
            Run exact = least(trace, "exact", hit, startMs);
            List<Run> rows = new ArrayList<>(List.of(adaptive, fixed, exact));
            if (hindsight) {
                rows.add(HindsightSizing.best(trace, "fixed", hit, startMs, fixed));
                rows.add(HindsightSizing.best(trace, "exact", hit, startMs, exact));
            }
            double best = Math.min(fixed.cost(), exact.cost());
            for (Run r : rows) {
                System.out.printf(Locale.ROOT, "| %s | %s | %.3f%% | %.0f ms | %,.0f | %,d | %,.0f | %d | %.2f |%n",
                        trace.getFileName(), r.policy(), r.hitRate() * 100, r.p99(), r.idle(), r.starts(), r.cost(),
                        r.peak(), r.cost() / best);
            }
        }
    }

    /** The run of the least N of {@code family} that reaches {@code hit}. */
    private static Run least(Path trace, String family, double hit, String startMs) {
        List<Run> tried = new ArrayList<>();
        int hi = 1;
        Run reached = simulate(trace, family + ":" + hi, startMs);
        tried.add(reached);
        while (reached.hitRate() < hit) {
            hi *= 2;
            if (hi > 65_536) {
                throw new IllegalStateException(family + " never reaches " + hit + " on " + trace);
            }
            reached = simulate(trace, family + ":" + hi, startMs);
            tried.add(reached);
        }
        int lo = hi / 2; // lo fails (or is 0 and untried), hi reaches
        while (hi - lo > 1) {
            int mid = (lo + hi) / 2;
            Run r = simulate(trace, family + ":" + mid, startMs);
            tried.add(r);
            if (r.hitRate() >= hit) {
                hi = mid;
                reached = r;
            } else {
                lo = mid;
            }
        }
        System.err.println(trace.getFileName() + " " + family + ": tried " + tried.stream()
                .map(r -> String.format(Locale.ROOT, "%s=%.4f/%.0f", r.policy(), r.hitRate(), r.cost())).toList());
        return reached;
    }

    static Run simulate(Path trace, String policy, String startMs, String... more) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("--trace", trace.toString(), "--policy", policy, "--start-ms",
                startMs));
        args.addAll(List.of(more));
        int code = SimulateCommand.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8).strip();
        if (code != 0) {
            throw new IllegalStateException("simulate " + policy + " failed: " + err.toString(StandardCharsets.UTF_8));
        }
        System.err.println(text.lines().findFirst().orElse(""));
        try {
            JsonNode j = JSON.readTree(text.substring(text.lastIndexOf('\n') + 1));
            return new Run(policy, j.get("warmHitRate").asDouble(), j.get("idleInstanceSeconds").asDouble(),
                    j.get("instancesStarted").asLong(), j.get("peakInstances").asInt(), j.get("waitP99Ms").asDouble());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("simulate printed no JSON last line: " + text, e);
        }
    }
}
