package io.warmpool.server.config;

import io.warmpool.ConfigException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigReaderTest {
    private final GatewayConfig demo = GatewayConfig.demo(Path.of("data"), Path.of("/usr/bin/chromium"), 8080);

    @Test
    void aFullConfigIsRead() {
        GatewayConfig c = ConfigReader.parse("""
                {"port": 9090, "defaultRegion": "eeur",
                 "regions": {"weur": {"backups": ["eeur", "enam"], "zones": ["weur-a", "weur-b"]},
                             "eeur": {"backups": ["weur"]}, "enam": {"backups": ["weur"]}},
                 "locations": {"LIS": {"region": "eeur", "zones": ["eeur-b"]}, "OPO": "weur"},
                 "pools": {"browser": {"minIdle": 1, "maxSize": 3, "coldStartBudget": "PT0.5S"},
                           "compute": {"shared": true, "minIdle": 2, "keepaliveInterval": "PT10S"}},
                 "heartbeat": {"batchSize": 50},
                 "routing": {"unknownLocations": "defaultRegion", "staleAfter": "PT3S", "holdFor": "PT20S"}}
                """, demo);
        assertThat(c.port()).isEqualTo(9090);
        assertThat(c.regions().get("weur").backups()).containsExactly("eeur", "enam");
        assertThat(c.regions().get("eeur").zones()).containsExactly("eeur-a");
        assertThat(c.locations().entry("LIS").orElseThrow().zones()).containsExactly("eeur-b");
        assertThat(c.pools().get("compute").shared()).isTrue();
        assertThat(c.pools().get("browser").coldStartBudget()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.heartbeat().batchSize()).isEqualTo(50);
        assertThat(c.heartbeat().flushAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.routing().unknownToDefault()).isTrue();
        assertThat(c.routing().holdFor()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void aPoolsPageDefaultsAreReadAndCheckedNamingTheKey() {
        GatewayConfig c = ConfigReader.parse("""
                {"pools": {"browser": {"pageDefaults": {"gotoTimeout": "PT10S", "maxGotoTimeout": "PT90S",
                  "waitUntil": "load", "viewport": {"width": 1280}, "actionTimeout": "PT5S", "maxActionTimeout": "PT20S"}},
                  "plain": {}}}
                """, demo);
        io.warmpool.quick.PageDefaults d = c.pools().get("browser").pageDefaults();
        assertThat(d.gotoTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.maxGotoTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(d.waitUntil()).isEqualTo("load");
        assertThat(d.viewportWidth()).isEqualTo(1280);
        assertThat(d.viewportHeight()).as("a key left out keeps Cloudflare's").isEqualTo(1080);
        assertThat(d.actionTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(d.maxActionTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.pools().get("plain").pageDefaults()).isEqualTo(io.warmpool.quick.PageDefaults.CLOUDFLARE);

        assertThatThrownBy(() -> ConfigReader.parse("{\"pools\":{\"browser\":{\"pageDefaults\":{\"timeout\":\"PT1S\"}}}}",
                demo)).isInstanceOf(ConfigException.class).hasMessageContaining("pools.browser.pageDefaults.timeout");
        assertThatThrownBy(() -> ConfigReader.parse("{\"pools\":{\"browser\":{\"pageDefaults\":{\"gotoTimeout\":\"PT2M\"}}}}",
                demo)).isInstanceOf(ConfigException.class)
                .hasMessage("pools.browser.pageDefaults.gotoTimeout must be between PT0.001S and PT1M (gotoTimeout=PT2M)");
        assertThatThrownBy(() -> ConfigReader.parse("{\"pools\":{\"browser\":{\"pageDefaults\":{\"viewport\":{\"height\":9000}}}}}",
                demo)).hasMessageContaining("pools.browser.pageDefaults.viewport.height");
        assertThatThrownBy(() -> ConfigReader.parse("{\"pools\":{\"browser\":{\"pageDefaults\":{\"waitUntil\":\"idle\"}}}}",
                demo)).hasMessageContaining("pools.browser.pageDefaults.waitUntil");
        assertThatThrownBy(() -> ConfigReader.parse("{\"pools\":{\"browser\":{\"pageDefaults\":{\"actionTimeout\":5}}}}",
                demo)).hasMessageContaining("pools.browser.pageDefaults.actionTimeout");
    }

    @Test
    void unknownKeysAreErrorsNamingTheirPath() {
        assertThatThrownBy(() -> ConfigReader.parse("{\"pools\":{\"browser\":{\"minIdel\":2}}}", demo))
                .isInstanceOf(ConfigException.class).hasMessageContaining("pools.browser.minIdel");
        assertThatThrownBy(() -> ConfigReader.parse("{\"colour\":1}", demo)).hasMessageContaining("config.colour");
    }

    @Test
    void aPoolChoosesItsBrowserAndTheHeadlessShellIsTheDefault() {
        GatewayConfig c = ConfigReader.parse("{\"pools\":{\"browser\":{},\"full\":{\"browser\":\"chromium\"},"
                + "\"shell\":{\"browser\":\"headless-shell\"}}}", demo);

        assertThat(c.pools().get("browser").browser()).isEqualTo(io.warmpool.BrowserKind.HEADLESS_SHELL);
        assertThat(c.pools().get("full").browser()).isEqualTo(io.warmpool.BrowserKind.CHROMIUM);
        assertThat(c.pools().get("shell").browser()).isEqualTo(io.warmpool.BrowserKind.HEADLESS_SHELL);
        assertThatThrownBy(() -> ConfigReader.parse("{\"pools\":{\"browser\":{\"browser\":\"firefox\"}}}", demo))
                .isInstanceOf(ConfigException.class)
                .hasMessage("pools.browser.browser must be \"headless-shell\" or \"chromium\" (got \"firefox\")");
        assertThatThrownBy(() -> ConfigReader.parse("{\"pools\":{\"browser\":{\"browser\":1}}}", demo))
                .hasMessageContaining("pools.browser.browser");
    }

    @Test
    void aChainNamingItsOwnRegionIsRejected() {
        assertThatThrownBy(() -> ConfigReader.parse("{\"regions\":{\"weur\":{\"backups\":[\"weur\"]}}}", demo))
                .isInstanceOf(ConfigException.class).hasMessageContaining("regions.weur.backups")
                .hasMessageContaining("itself");
    }

    @Test
    void aChainWithADuplicateIsRejected() {
        assertThatThrownBy(() -> ConfigReader.parse("{\"regions\":{\"weur\":{\"backups\":[\"enam\",\"enam\"]},"
                + "\"enam\":{}}}", demo)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("regions.weur.backups has a duplicate");
    }

    @Test
    void aChainNamingAnUnknownRegionIsRejected() {
        assertThatThrownBy(() -> ConfigReader.parse("{\"regions\":{\"weur\":{\"backups\":[\"mars\"]}}, "
                + "\"defaultRegion\":\"weur\"}", demo)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown region 'mars'");
    }

    @Test
    void mutualBackupsAreFine() {
        GatewayConfig c = ConfigReader.parse("{\"regions\":{\"weur\":{\"backups\":[\"enam\"]},"
                + "\"enam\":{\"backups\":[\"weur\"]}}}", demo);
        assertThat(c.regions()).hasSize(2);
    }

    @Test
    void badValuesNameTheFieldTheRuleAndTheValue() {
        assertThatThrownBy(() -> ConfigReader.parse("{\"pools\":{\"browser\":{\"minIdle\":9,\"maxSize\":4}}}", demo))
                .hasMessage("minIdle must be <= maxSize (minIdle=9, maxSize=4)");
        assertThatThrownBy(() -> ConfigReader.parse("{\"pools\":{\"browser\":{\"acquireTimeout\":\"soon\"}}}", demo))
                .hasMessageContaining("pools.browser.acquireTimeout must be an ISO-8601 duration");
        assertThatThrownBy(() -> ConfigReader.parse("{\"locations\":{\"LIS\":\"mars\"}}", demo))
                .hasMessageContaining("unknown region 'mars'");
        assertThatThrownBy(() -> ConfigReader.parse("{\"routing\":{\"unknownLocations\":\"maybe\"}}", demo))
                .hasMessageContaining("routing.unknownLocations");
        assertThatThrownBy(() -> ConfigReader.parse("{\"port\":70000}", demo)).hasMessageContaining("port=70000");
    }
}
