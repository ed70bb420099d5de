package io.warmpool.bench;

import java.util.Arrays;

/**
 * Percentiles of a set of latencies by nearest rank on a sorted copy (no histogram, no interpolation): p50 of
 * 60 samples is the 30th smallest. Immutable.
 */
final class Percentiles {
    private final long[] sorted;

    private Percentiles(long[] sorted) {
        this.sorted = sorted;
    }

    static Percentiles of(long[] nanos) {
        long[] copy = nanos.clone();
        Arrays.sort(copy);
        return new Percentiles(copy);
    }

    int count() {
        return sorted.length;
    }

    /** The {@code q}-quantile (0 < q <= 1) in milliseconds; NaN when there are no samples. */
    double ms(double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.clamp(rank - 1, 0, sorted.length - 1)] / 1e6;
    }

    double maxMs() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6;
    }

    double p50() {
        return ms(0.50);
    }
}
