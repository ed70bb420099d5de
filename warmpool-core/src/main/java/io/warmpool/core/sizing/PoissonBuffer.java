package io.warmpool.core.sizing;

/**
 * The idle buffer that serves a share {@code h} of Poisson arrivals: the least {@code k} such that the expected
 * arrivals beyond {@code k}, {@code E[(N - k)+]}, are at most {@code (1 - h) E[N]} for {@code N ~ Poisson(mu)}.
 * Pure function; thread-safe.
 */
final class PoissonBuffer {
    private PoissonBuffer() {
    }

    static int idleFor(double mu, double h) {
        if (!(mu > 0)) {
            return 0;
        }
        double allowed = (1 - h) * mu;
        double beyond = mu; // E[(N - k)+] at k = 0
        double logPmf = -mu; // log P(N = 0)
        double cdf = 0;
        int k = 0;
        // E[(N - k - 1)+] = E[(N - k)+] - P(N > k)
        while (beyond > allowed) {
            cdf += Math.exp(logPmf);
            beyond -= Math.max(0, 1 - cdf);
            k++;
            logPmf += Math.log(mu) - Math.log(k);
            if (cdf >= 1 - 1e-15) {
                break;
            }
        }
        return k;
    }
}
