package io.warmpool.server.config;

import io.warmpool.ConfigException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProxySettingsTest {
    private final GatewayConfig demo = GatewayConfig.demo(Path.of("data"), Path.of("chromium"), 0);

    @Test
    void theDefaultsPingEvery30SecondsAndBoundTheQueue() {
        assertThat(demo.proxy()).isEqualTo(new ProxySettings(Duration.ofSeconds(30), 1024, 64L << 20));
    }

    @Test
    void theProxyKeysAreReadAndCheckedNamingFieldAndValue() {
        ProxySettings p = ConfigReader.parse("""
                {"proxy": {"pingInterval": "PT10S", "maxQueuedMessages": 64, "maxQueuedBytes": 1048576}}""", demo).proxy();
        assertThat(p).isEqualTo(new ProxySettings(Duration.ofSeconds(10), 64, 1 << 20));
        assertThat(ConfigReader.parse("{\"proxy\": {\"pingInterval\": \"PT0S\"}}", demo).proxy().pingInterval()).isZero();

        assertThatThrownBy(() -> ConfigReader.parse("{\"proxy\": {\"pingIntervall\": \"PT1S\"}}", demo))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown config key proxy.pingIntervall");
        assertThatThrownBy(() -> ConfigReader.parse("{\"proxy\": {\"maxQueuedMessages\": 0}}", demo))
                .hasMessageContaining("proxy.maxQueuedMessages must be >= 1 (maxQueuedMessages=0)");
        assertThatThrownBy(() -> ConfigReader.parse("{\"proxy\": {\"maxQueuedBytes\": 10}}", demo))
                .hasMessageContaining("proxy.maxQueuedBytes must be >= 1024 (maxQueuedBytes=10)");
        assertThatThrownBy(() -> ConfigReader.parse("{\"proxy\": {\"pingInterval\": \"PT0.01S\"}}", demo))
                .hasMessageContaining("proxy.pingInterval must be PT0S (off) or >= PT0.1S");
    }
}
