package io.warmpool.testkit;

import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.LeaderTerm;
import io.warmpool.LeaseLostException;
import io.warmpool.spi.InstanceStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The leader lease of {@link InstanceStoreContract}: one holder at a time, take-over only after expiry, a token that
 * grows with each change of holder, and fenced writes that a stale holder cannot make. Extend
 * {@link InstanceStoreContract}, not this class.
 */
public abstract class InstanceStoreLeaseContract extends InstanceStoreGatewayContract {

    protected static final String LEASE = "housekeeping/weur";
    protected static final Duration PERIOD = Duration.ofSeconds(10);

    @Test
    void theFirstHolderLeadsAndRenewsWithTheSameToken() {
        LeaderTerm first = store.lead(LEASE, "gw-a", T0, PERIOD).orElseThrow();
        LeaderTerm renewed = store.lead(LEASE, "gw-a", T0.plusSeconds(5), PERIOD).orElseThrow();

        assertThat(first).isEqualTo(new LeaderTerm("gw-a", 1, T0.plus(PERIOD)));
        assertThat(renewed).isEqualTo(new LeaderTerm("gw-a", 1, T0.plusSeconds(5).plus(PERIOD)));
    }

    @Test
    void anotherHolderWaitsForTheTermToExpireThenTakesOverWithANewToken() {
        store.lead(LEASE, "gw-a", T0, PERIOD).orElseThrow();

        assertThat(store.lead(LEASE, "gw-b", T0.plus(PERIOD).minusMillis(1), PERIOD)).isEmpty();
        LeaderTerm b = store.lead(LEASE, "gw-b", T0.plus(PERIOD), PERIOD).orElseThrow();
        assertThat(b.token()).isEqualTo(2);
        assertThat(b.holder()).isEqualTo("gw-b");

        // the former holder, waking up before b's term ends, does not get the lease back
        assertThat(store.lead(LEASE, "gw-a", T0.plus(PERIOD).plusSeconds(1), PERIOD)).isEmpty();
    }

    @Test
    void leasesOfDifferentNamesAreIndependent() {
        store.lead(LEASE, "gw-a", T0, PERIOD).orElseThrow();

        assertThat(store.lead("housekeeping/enam", "gw-b", T0, PERIOD)).map(LeaderTerm::token).contains(1L);
    }

    @Test
    void aResignedLeaseIsFreeAtOnce() {
        LeaderTerm a = store.lead(LEASE, "gw-a", T0, PERIOD).orElseThrow();
        store.resign(LEASE, "gw-b", a.token()); // not the holder: no effect
        assertThat(store.lead(LEASE, "gw-b", T0.plusSeconds(1), PERIOD)).isEmpty();

        store.resign(LEASE, "gw-a", a.token());

        assertThat(store.lead(LEASE, "gw-b", T0.plusSeconds(1), PERIOD)).map(LeaderTerm::token).contains(2L);
    }

    @Test
    void seizingTakesARunningLeaseWithANewToken() {
        store.lead(LEASE, "gw-a", T0, PERIOD).orElseThrow();

        LeaderTerm seized = store.seize(LEASE, "gw-b", T0.plusSeconds(1), PERIOD);

        assertThat(seized).isEqualTo(new LeaderTerm("gw-b", 2, T0.plusSeconds(1).plus(PERIOD)));
        assertThat(store.seize("fresh", "gw-b", T0, PERIOD).token()).isEqualTo(1);
    }

    @Test
    void theHolderWritesThroughItsFencedView() {
        LeaderTerm a = store.lead(LEASE, "gw-a", T0, PERIOD).orElseThrow();
        InstanceStore fenced = store.fenced(LEASE, a::token);

        fenced.insert(starting("i-1", POOL));
        assertThat(fenced.markWarm("i-1", "ws://cdp/i-1", "http://agent", T0)).isTrue();
        assertThat(fenced.counts(POOL).warm()).isEqualTo(1);
        fenced.close();

        assertThat(store.find("i-1")).map(Instance::state).contains(InstanceState.WARM); // the store is still open
    }

    @Test
    void aStaleHolderCannotWriteAfterATakeOver() {
        LeaderTerm a = store.lead(LEASE, "gw-a", T0, PERIOD).orElseThrow();
        InstanceStore staleView = store.fenced(LEASE, a::token);
        warm("i-1", POOL);

        store.lead(LEASE, "gw-b", T0.plus(PERIOD), PERIOD).orElseThrow(); // gw-a was paused past its term

        assertThatThrownBy(() -> staleView.transition("i-1", InstanceState.WARM, InstanceState.STOPPING))
                .isInstanceOf(LeaseLostException.class)
                .hasMessageContaining(LEASE);
        assertThatThrownBy(() -> staleView.insert(starting("i-2", POOL))).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> staleView.markLost(POOL, T0.plusSeconds(3600)))
                .isInstanceOf(LeaseLostException.class);
        assertThat(store.find("i-1")).map(Instance::state).contains(InstanceState.WARM);
        assertThat(store.find("i-2")).isEmpty();
    }

    @Test
    void aFencedViewFollowsTheTokenItIsGiven() {
        AtomicLong token = new AtomicLong(0); // not leading yet
        InstanceStore fenced = store.fenced(LEASE, token::get);
        assertThatThrownBy(() -> fenced.insert(starting("i-1", POOL)))
                .isInstanceOf(LeaseLostException.class);

        token.set(store.lead(LEASE, "gw-a", T0, PERIOD).orElseThrow().token());
        fenced.insert(starting("i-1", POOL));

        assertThat(store.find("i-1")).isPresent();
    }
}
