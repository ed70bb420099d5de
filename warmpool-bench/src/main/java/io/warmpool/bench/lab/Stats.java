package io.warmpool.bench.lab;

import java.util.Arrays;
import java.util.List;

/** Nearest-rank percentiles of a bounded sample, in milliseconds. */
record Stats(double[] sortedMs) {
    static Stats ofNanos(List<Long> nanos) {
        double[] ms = nanos.stream().mapToDouble(n -> n / 1e6).sorted().toArray();
        return new Stats(ms);
    }

    int count() {
        return sortedMs.length;
    }

    double ms(double q) {
        if (sortedMs.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sortedMs.length);
        return sortedMs[Math.max(0, Math.min(sortedMs.length - 1, rank - 1))];
    }

    double p50() {
        return ms(0.50);
    }

    double p95() {
        return ms(0.95);
    }

    static String f(double v) {
        return Double.isNaN(v) ? "-" : v >= 100 ? String.format("%.0f", v) : String.format("%.1f", v);
    }

    @Override
    public String toString() {
        return "n=" + count() + " " + Arrays.toString(sortedMs);
    }
}
