package io.warmpool.agent;

import io.warmpool.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Command-line parsing and validation; no process is started. */
class AgentConfigTest {
    private static final String[] REQUIRED = {"--agent-id", "a1", "--region", "weur", "--zone", "z1", "--port", "0",
            "--chromium", "/bin/sh", "--data-dir", "/tmp/unused"};

    @Test
    void requiredOptionsAloneGiveTheDefaults() {
        AgentConfig config = AgentConfig.fromArgs(REQUIRED);

        assertThat(config.gateway()).isNull();
        assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.startTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.sparePage()).isTrue();
    }

    @Test
    void optionalOptionsAreParsedInEitherSpelling() {
        AgentConfig config = AgentConfig.fromArgs(with("--gateway=http://127.0.0.1:8080", "--heartbeat-interval",
                "PT0.2S", "--start-timeout=PT5S", "--spare-page", "false"));

        assertThat(config.gateway()).hasToString("http://127.0.0.1:8080");
        assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.startTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.sparePage()).isFalse();
    }

    @Test
    void badInputNamesTheOptionAndTheValue() {
        assertThatThrownBy(() -> AgentConfig.fromArgs(with("--colour", "blue")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown option --colour");
        assertThatThrownBy(() -> AgentConfig.fromArgs(with("--heartbeat-interval", "5s")))
                .hasMessageContaining("--heartbeat-interval must be an ISO-8601 duration").hasMessageContaining("'5s'");
        assertThatThrownBy(() -> AgentConfig.fromArgs(with("--heartbeat-interval", "PT0S")))
                .hasMessageContaining("heartbeatInterval must be positive").hasMessageContaining("heartbeatInterval=PT0S");
        assertThatThrownBy(() -> AgentConfig.fromArgs(with("--gateway", "ftp://x")))
                .hasMessageContaining("gateway must be an http(s) URL");
        assertThatThrownBy(() -> AgentConfig.fromArgs("--agent-id", "a1"))
                .hasMessageContaining("missing option --chromium");
        assertThatThrownBy(() -> AgentConfig.fromArgs(REQUIRED[0], REQUIRED[1], "--region"))
                .hasMessageContaining("option --region needs a value");
        assertThatThrownBy(() -> AgentConfig.fromArgs(with("--region", "enam")))
                .hasMessageContaining("option --region is given twice");
    }

    @Test
    void allowAndTheSecretAreOptionalAndChecked() {
        AgentConfig none = AgentConfig.fromArgs(java.util.Map.of(), REQUIRED);
        AgentConfig some = AgentConfig.fromArgs(java.util.Map.of("WARMPOOL_AGENT_SECRET", "xyz"),
                with("--allow", "127.0.0.1/32,::1/128,intranet.example"));

        assertThat(none.allow()).isEmpty();
        assertThat(none.secret()).isNull();
        assertThat(none.egressPolicy()).hasToString("deny internal");
        assertThat(some.allow()).isEqualTo("127.0.0.1/32,::1/128,intranet.example");
        assertThat(some.secret()).isEqualTo("xyz");
        assertThat(some.toString()).doesNotContain("xyz").contains("secret=(set)");
        assertThatThrownBy(() -> AgentConfig.fromArgs(with("--allow", "10.0.0.0/40")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("allow CIDR prefix must be 0-32");
        assertThatThrownBy(() -> AgentConfig.fromArgs(with("--allow", "ftp://x")))
                .hasMessageContaining("entry 'ftp://x'");
    }

    @Test
    void portAndChromiumAreChecked() {
        String[] args = REQUIRED.clone();
        args[7] = "70000";
        assertThatThrownBy(() -> AgentConfig.fromArgs(args)).hasMessageContaining("port must be between 0 and 65535 (port=70000)");
        args[7] = "0";
        args[9] = "/nonexistent/chromium";
        assertThatThrownBy(() -> AgentConfig.fromArgs(args))
                .hasMessageContaining("chromium must be an executable file (chromium=/nonexistent/chromium)");
    }

    private static String[] with(String... more) {
        String[] all = new String[REQUIRED.length + more.length];
        System.arraycopy(REQUIRED, 0, all, 0, REQUIRED.length);
        System.arraycopy(more, 0, all, REQUIRED.length, more.length);
        return all;
    }
}
