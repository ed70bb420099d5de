package io.warmpool.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The strongest fixed baseline for a trace of many pools: one {@code fixed:N} (or {@code exact:N}) per pool, each N
 * chosen knowing the whole trace, the cheapest choice whose warm hits over all acquires reach the target. Pools do
 * not share instances in the simulator, so one replay per N (with {@code --per-pool}) gives every pool's hits and
 * warmth cost at that N, and the choice is made afterwards: starting from the cheapest N of every pool, the step
 * (one pool to a larger N) with the most hits gained per instance-second added is taken until the target is met
 * (the greedy solution of this knapsack; exact up to the last step). No configuration written before the trace is
 * seen can do better, which is why it is a bound, not a policy.
 */
final class HindsightSizing {
    private HindsightSizing() {
    }

    private record Option(long hits, double idle, long starts) {
        double cost() {
            return idle + starts;
        }
    }

    /**
     * The hindsight choice for {@code family}; N runs from 0 to two above {@code uniform}'s N (the least single N
     * that reaches {@code hit}, which already serves every pool's share).
     */
    static SizingSweep.Run best(Path trace, String family, double hit, String startMs, SizingSweep.Run uniform) {
        int top = Integer.parseInt(uniform.policy().substring(uniform.policy().indexOf(':') + 1)) + 2;
        Map<String, List<Option>> pools = new LinkedHashMap<>();
        Map<String, Long> requests = new LinkedHashMap<>();
        for (int n = 0; n <= top; n++) {
            Path csv = perPool(trace, family + ":" + n, startMs);
            for (String[] row : rows(csv)) {
                requests.put(row[0], Long.parseLong(row[1]));
                pools.computeIfAbsent(row[0], p -> new ArrayList<>()).add(new Option(Long.parseLong(row[2]),
                        Double.parseDouble(row[4]), Long.parseLong(row[5])));
            }
        }
        long total = requests.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Integer> chosen = choose(pools, (long) Math.ceil(hit * total));
        long hits = 0;
        double idle = 0;
        long starts = 0;
        int[] histogram = new int[top + 1];
        for (var e : chosen.entrySet()) {
            Option o = pools.get(e.getKey()).get(e.getValue());
            hits += o.hits();
            idle += o.idle();
            starts += o.starts();
            histogram[e.getValue()]++;
        }
        System.err.println(trace.getFileName() + " " + family + " per pool (hindsight): pools per N "
                + java.util.Arrays.toString(histogram));
        return new SizingSweep.Run(family + ":N per pool (hindsight)", (double) hits / total, idle, starts, 0, 0);
    }

    /** Greedy by hits gained per instance-second: each pool's N, the least total cost found reaching {@code need}. */
    private static Map<String, Integer> choose(Map<String, List<Option>> pools, long need) {
        Map<String, Integer> at = new LinkedHashMap<>();
        long hits = 0;
        for (var e : pools.entrySet()) {
            List<Option> options = e.getValue();
            int cheapest = 0;
            for (int n = 1; n < options.size(); n++) {
                if (options.get(n).cost() < options.get(cheapest).cost()
                        || (options.get(n).cost() == options.get(cheapest).cost()
                        && options.get(n).hits() > options.get(cheapest).hits())) {
                    cheapest = n;
                }
            }
            at.put(e.getKey(), cheapest);
            hits += options.get(cheapest).hits();
        }
        while (hits < need) {
            String bestPool = null;
            int bestN = -1;
            double bestRatio = -1;
            for (var e : pools.entrySet()) {
                List<Option> options = e.getValue();
                Option now = options.get(at.get(e.getKey()));
                for (int n = 0; n < options.size(); n++) {
                    Option o = options.get(n);
                    long gained = o.hits() - now.hits();
                    if (gained <= 0) {
                        continue;
                    }
                    double added = Math.max(1e-9, o.cost() - now.cost());
                    double ratio = gained / added;
                    if (ratio > bestRatio) {
                        bestRatio = ratio;
                        bestPool = e.getKey();
                        bestN = n;
                    }
                }
            }
            if (bestPool == null) {
                throw new IllegalStateException("no choice of N per pool reaches " + need + " warm hits");
            }
            hits += pools.get(bestPool).get(bestN).hits() - pools.get(bestPool).get(at.get(bestPool)).hits();
            at.put(bestPool, bestN);
        }
        return at;
    }

    private static Path perPool(Path trace, String policy, String startMs) {
        try {
            Path csv = Files.createTempFile("warmpool-per-pool-", ".csv");
            csv.toFile().deleteOnExit();
            SizingSweep.simulate(trace, policy, startMs, "--per-pool", csv.toString());
            return csv;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String[]> rows(Path csv) {
        try {
            List<String> lines = Files.readAllLines(csv);
            List<String[]> out = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                out.add(line.split(","));
            }
            Files.deleteIfExists(csv);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
