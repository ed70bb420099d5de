package io.warmpool.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Turns the Azure Functions 2019 sample ({@code invocations.csv}: invocations per minute per function;
 * {@code durations.csv}: each function's duration percentiles) into {@code warmpool simulate} traces
 * ({@code at_ms,duration_ms[,pool]}): each minute's invocations at uniformly random instants within the minute, each
 * held for a duration drawn from its function's percentiles (linear between p0, p1, p25, p50, p75, p99, p100).
 * Fixed seed, so the files repeat. Writes {@code whole.csv} (every function, one pool), {@code apps.csv} (every
 * function, one pool per app) and {@code fn-1.csv} ... {@code fn-K.csv} (the K busiest functions, each on its own).
 *
 * <pre>java -cp "$CP" io.warmpool.bench.AzureTrace --dir ../shared/traces/azure_functions_2019_invitro/sample500_8h
 *     --out target/traces --top 5</pre>
 */
public final class AzureTrace {
    private static final long SEED = 20_190_715L;
    private static final double[] QUANTILES = {0, 0.01, 0.25, 0.50, 0.75, 0.99, 1};

    private record Function(String key, String app, long[] perMinute, long total, double[] durations) {
    }

    private record Row(long atMs, long durationMs, String pool) {
    }

    private AzureTrace() {
    }

    public static void main(String[] args) throws IOException {
        BenchOptions o = BenchOptions.parse(args, Set.of("dir", "out", "top"));
        Path dir = o.file("dir", Path.of("../shared/traces/azure_functions_2019_invitro/sample500_8h"));
        Path out = o.file("out", Path.of("target/traces"));
        int top = o.count("top", 5, 100);
        List<Function> functions = read(dir);
        Files.createDirectories(out);
        write(out.resolve("whole.csv"), functions, false);
        write(out.resolve("apps.csv"), functions, true);
        List<Function> busiest = functions.stream().sorted(Comparator.comparingLong(Function::total).reversed())
                .limit(top).toList();
        for (int i = 0; i < busiest.size(); i++) {
            Function f = busiest.get(i);
            write(out.resolve("fn-" + (i + 1) + ".csv"), List.of(f), false);
            System.out.printf("fn-%d.csv: function %s..., %d invocations, median duration %.0f ms%n", i + 1,
                    f.key().substring(0, 8), f.total(), f.durations()[3]);
        }
        System.out.printf("whole.csv, apps.csv: %d functions, %d invocations%n", functions.size(),
                functions.stream().mapToLong(Function::total).sum());
    }

    private static List<Function> read(Path dir) throws IOException {
        Map<String, double[]> durations = new HashMap<>();
        List<String> lines = Files.readAllLines(dir.resolve("durations.csv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            double[] p = new double[QUANTILES.length];
            for (int i = 0; i < p.length; i++) {
                p[i] = Double.parseDouble(f[f.length - QUANTILES.length + i]);
            }
            durations.put(f[0] + f[1] + f[2], p);
        }
        List<Function> out = new ArrayList<>();
        lines = Files.readAllLines(dir.resolve("invocations.csv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            long[] perMinute = new long[f.length - 4];
            for (int i = 0; i < perMinute.length; i++) {
                perMinute[i] = Long.parseLong(f[4 + i]);
            }
            double[] d = durations.get(f[0] + f[1] + f[2]);
            if (d == null) {
                throw new IllegalStateException("no durations for function " + f[2]);
            }
            out.add(new Function(f[2], f[1], perMinute, Arrays.stream(perMinute).sum(), d));
        }
        return out;
    }

    private static void write(Path file, List<Function> functions, boolean poolPerApp) {
        SplittableRandom random = new SplittableRandom(SEED);
        List<Row> rows = new ArrayList<>();
        for (Function f : functions) {
            String pool = poolPerApp ? "app-" + f.app().substring(0, 12) : null;
            for (int m = 0; m < f.perMinute().length; m++) {
                for (long k = 0; k < f.perMinute()[m]; k++) {
                    rows.add(new Row(m * 60_000L + random.nextLong(60_000L), duration(f.durations(), random), pool));
                }
            }
        }
        rows.sort(Comparator.comparingLong(Row::atMs));
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            w.write(poolPerApp ? "at_ms,duration_ms,pool\n" : "at_ms,duration_ms\n");
            for (Row r : rows) {
                w.write(r.atMs() + "," + r.durationMs() + (r.pool() == null ? "" : "," + r.pool()) + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A duration drawn from the percentiles, linear between them. */
    private static long duration(double[] p, SplittableRandom random) {
        double u = random.nextDouble();
        for (int i = 1; i < QUANTILES.length; i++) {
            if (u <= QUANTILES[i]) {
                double share = (u - QUANTILES[i - 1]) / (QUANTILES[i] - QUANTILES[i - 1]);
                return Math.round(p[i - 1] + share * (p[i] - p[i - 1]));
            }
        }
        return Math.round(p[p.length - 1]);
    }
}
