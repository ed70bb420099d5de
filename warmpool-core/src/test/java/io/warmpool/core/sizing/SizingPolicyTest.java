package io.warmpool.core.sizing;

import io.warmpool.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SizingPolicyTest {
    private static final Instant NOW = Instant.parse("2026-01-05T00:00:00Z");

    @Test
    void fixedKeepsItsTargetAndNeverLetsAnyGo() {
        PoolSizing fixed = new PoolSizing(SizingSettings.parse("fixed:3", 0).build(), 10);

        assertThat(fixed.target(NOW, 9, 400)).isEqualTo(3);
        assertThat(fixed.surplus(NOW, 9, 9)).isZero();
        assertThat(fixed.stopOnRelease(9)).isFalse();
    }

    @Test
    void exactLetsTheSurplusGoAtOnceAndStopsReleasesAboveN() {
        PoolSizing exact = new PoolSizing(SizingSettings.parse("exact:3", 0).build(), 10);

        assertThat(exact.target(NOW, 5, 400)).isEqualTo(3);
        assertThat(exact.surplus(NOW, 5, 5)).isEqualTo(2);
        assertThat(exact.surplus(NOW, 1, 5)).as("only warm ones can go").isEqualTo(1);
        assertThat(exact.stopOnRelease(3)).isTrue();
        assertThat(exact.stopOnRelease(2)).isFalse();
    }

    @Test
    void policiesParseAsWritten() {
        assertThat(SizingSettings.parse("adaptive", 2).build().describe()).isEqualTo("adaptive");
        assertThat(SizingSettings.parse("fixed", 2).build().describe()).isEqualTo("fixed:2");
        assertThat(SizingSettings.parse("exact:7", 2).build().describe()).isEqualTo("exact:7");
    }

    @Test
    void badSettingsNameTheFieldAndValue() {
        assertThatThrownBy(() -> SizingSettings.parse("greedy", 0)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("policy=greedy");
        assertThatThrownBy(() -> SizingSettings.parse("fixed:x", 0)).hasMessageContaining("policy=fixed:x");
        assertThatThrownBy(() -> SizingSettings.parse("exact:-1", 0).build()).hasMessageContaining("N=-1");
        assertThatThrownBy(() -> SizingSettings.builder().warmHitTarget(1.0).build())
                .hasMessageContaining("warmHitTarget=1.0");
        assertThatThrownBy(() -> SizingSettings.builder().minIdle(-2).build()).hasMessageContaining("minIdle=-2");
        assertThatThrownBy(() -> SizingSettings.builder().coolDown(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("coolDown=PT-1S");
    }

    @Test
    void theIdleBufferMatchesADirectSum() {
        double[][] means = {{0.01, 0}, {0.3, 0.3}, {1, 0}, {7.5, 7.5}, {20, 5}, {25, 25}};
        for (double[] m : means) {
            int k = IdleBuffer.idleFor(m[0], m[1], 0.995);
            assertThat(missing(m[0], m[1], k)).as("%s k=%s is enough", java.util.Arrays.toString(m), k)
                    .isLessThanOrEqualTo(0.005 + 1e-9);
            assertThat(missing(m[0], m[1], k - 1)).as("%s k-1 is not", java.util.Arrays.toString(m)).isGreaterThan(0.005);
        }
        assertThat(IdleBuffer.idleFor(0, 3, 0.995)).isZero();
        int large = IdleBuffer.idleFor(100, 0, 0.995);
        assertThat(missing(100, 0, large)).as("the normal approximation is close").isLessThan(0.0055);
        assertThat(missing(100, 0, large - 2)).isGreaterThan(0.005);
    }

    /** P(X - Y >= k) for X ~ Poisson(out), Y ~ Poisson(back), summed term by term. */
    private static double missing(double out, double back, int k) {
        double[] x = poisson(out, 400);
        double[] y = poisson(back, 200);
        double sum = 0;
        for (int j = 0; j < y.length; j++) {
            for (int i = Math.max(0, k + j); i < x.length; i++) {
                sum += y[j] * x[i];
            }
        }
        return sum;
    }

    private static double[] poisson(double mu, int n) {
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            double log = -mu + (mu == 0 ? (i == 0 ? 0 : Double.NEGATIVE_INFINITY) : i * Math.log(mu));
            for (int j = 2; j <= i; j++) {
                log -= Math.log(j);
            }
            p[i] = Math.exp(log);
        }
        return p;
    }
}
