package io.warmpool.quick;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ServerTimingTest {
    @Test
    void anEntryIsItsNameAndMillisecondsToTheMicrosecond() {
        assertThat(ServerTiming.entry("claim", 1_234_567)).isEqualTo("claim;dur=1.235");
    }

    @Test
    void entriesAreReadBackByNameWhateverTheirOrderAndOtherParameters() {
        String header = ServerTiming.join("claim;dur=0.5, agent;desc=\"call\";dur=12.25", "browser;dur=10");

        assertThat(header).isEqualTo("claim;dur=0.5, agent;desc=\"call\";dur=12.25, browser;dur=10");
        assertThat(ServerTiming.millis(header, "agent")).isEqualTo(12.25);
        assertThat(ServerTiming.millis(header, "browser")).isEqualTo(10);
    }

    @Test
    void aMissingOrMalformedEntryIsMinusOne() {
        assertThat(ServerTiming.millis(null, "claim")).isEqualTo(-1);
        assertThat(ServerTiming.millis("claim;dur=x", "claim")).isEqualTo(-1);
        assertThat(ServerTiming.millis("claim", "claim")).isEqualTo(-1);
        assertThat(ServerTiming.millis("claim;dur=1", "gateway")).isEqualTo(-1);
    }

    @Test
    void joiningLeavesOutWhatIsEmpty() {
        assertThat(ServerTiming.join(null, "a;dur=1")).isEqualTo("a;dur=1");
        assertThat(ServerTiming.join("a;dur=1", "")).isEqualTo("a;dur=1");
    }
}
