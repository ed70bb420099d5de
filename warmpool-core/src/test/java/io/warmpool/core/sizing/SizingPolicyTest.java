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
    void thePoissonBufferMatchesADirectSum() {
        for (double mu : new double[] {0.01, 0.3, 1, 7.5, 70, 400}) {
            int k = PoissonBuffer.idleFor(mu, 0.995);
            assertThat(beyond(mu, k)).as("mu=%s k=%s serves enough", mu, k).isLessThanOrEqualTo(0.005 * mu + 1e-12);
            assertThat(beyond(mu, k - 1)).as("mu=%s k-1 does not", mu).isGreaterThan(0.005 * mu);
        }
        assertThat(PoissonBuffer.idleFor(0, 0.995)).isZero();
    }

    /** E[(N - k)+] for N ~ Poisson(mu), summed term by term. */
    private static double beyond(double mu, int k) {
        double sum = 0;
        for (int n = k + 1; n < mu + 50 * Math.sqrt(mu) + 50; n++) {
            double logP = -mu + n * Math.log(mu);
            for (int j = 2; j <= n; j++) {
                logP -= Math.log(j);
            }
            sum += (n - k) * Math.exp(logP);
        }
        return sum;
    }
}
