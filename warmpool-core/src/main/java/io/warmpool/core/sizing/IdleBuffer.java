package io.warmpool.core.sizing;

/**
 * The idle buffer that lets a share {@code h} of acquires find a warm instance. Between two refills the idle set
 * loses the instances taken and not yet back ({@code out ~ Poisson(muOut)}) and gains those that come back from
 * older sessions ({@code back ~ Poisson(muBack)}); an acquire arriving at a random moment (PASTA) misses when
 * {@code out - back >= k}. The buffer is the least {@code k} with {@code P(out - back >= k) <= 1 - h}: summed
 * exactly for small means, by the normal approximation (with continuity and skew corrections) for large ones. Pure functions;
 * thread-safe.
 */
final class IdleBuffer {
    private static final double EXACT_UP_TO = 60;

    private IdleBuffer() {
    }

    static int idleFor(double muOut, double muBack, double h) {
        if (!(muOut > 0)) {
            return 0;
        }
        double back = Math.max(0, muBack);
        if (muOut + back > EXACT_UP_TO) {
            double sd = Math.sqrt(muOut + back);
            // Cornish-Fisher: out - back leans right by (muOut - muBack) / sd^3
            double skew = (muOut - back) / (sd * sd * sd);
            double z = quantile(h);
            z += (z * z - 1) * skew / 6;
            return Math.max(0, (int) Math.ceil(muOut - back + z * sd - 0.5));
        }
        double[] outAtLeast = survival(muOut);
        double[] backPmf = pmf(back);
        for (int k = 0; ; k++) {
            double miss = 0;
            for (int y = 0; y < backPmf.length; y++) {
                int j = k + y;
                miss += backPmf[y] * (j < outAtLeast.length ? outAtLeast[j] : 0);
            }
            if (miss <= 1 - h) {
                return k;
            }
        }
    }

    /** P(N = n) for N ~ Poisson(mu), n up to far into the tail. */
    private static double[] pmf(double mu) {
        int n = (int) (mu + 12 * Math.sqrt(mu) + 12);
        double[] p = new double[n];
        double log = -mu;
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                log += Math.log(mu) - Math.log(i);
            }
            p[i] = mu == 0 ? (i == 0 ? 1 : 0) : Math.exp(log);
        }
        return p;
    }

    /** P(N >= n) for N ~ Poisson(mu). */
    private static double[] survival(double mu) {
        double[] p = pmf(mu);
        double[] s = new double[p.length];
        double tail = 0;
        for (int i = p.length - 1; i >= 0; i--) {
            tail += p[i];
            s[i] = tail;
        }
        return s;
    }

    /** The standard normal quantile of {@code h}, by bisection on the CDF. */
    static double quantile(double h) {
        double lo = -10;
        double hi = 10;
        for (int i = 0; i < 80; i++) {
            double mid = (lo + hi) / 2;
            if (cdf(mid) < h) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    /** The standard normal CDF (Abramowitz and Stegun 7.1.26, error below 1.5e-7). */
    static double cdf(double z) {
        double x = Math.abs(z) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027
                + t * 1.061405429)))) * Math.exp(-x * x);
        return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
    }
}
