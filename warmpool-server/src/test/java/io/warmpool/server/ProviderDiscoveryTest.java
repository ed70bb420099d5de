package io.warmpool.server;

import io.warmpool.ConfigException;
import io.warmpool.server.local.AgentClient;
import io.warmpool.server.local.LocalAgentProvider;
import io.warmpool.server.local.LocalAgentProviderFactory;
import io.warmpool.server.local.PoolBrowsers;
import io.warmpool.spi.InstanceProvider;
import io.warmpool.spi.ProviderContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Providers are found through ServiceLoader, as stores are; the local one is built from its settings alone. */
class ProviderDiscoveryTest {

    @TempDir
    Path dir;

    private Map<String, String> settings() {
        return LocalAgentProviderFactory.settings(Path.of("/usr/bin/chromium"), dir.resolve("agents"),
                Duration.ofSeconds(5), "secret", List.of("127.0.0.1/32"), new PoolBrowsers(null, Map.of()));
    }

    private ProviderContext context(Map<String, String> settings, AgentClient client) {
        return new ProviderContext("weur", List.of("weur-a"), settings, agent -> { }, () -> "http://127.0.0.1:1",
                Map.of(AgentClient.class, client));
    }

    @Test
    void theLocalProviderIsFoundByName() {
        assertThat(ProviderDiscovery.all()).containsKey("local");
    }

    @Test
    void theLocalFactoryBuildsTheLocalAgentProviderFromItsSettingsWithoutStartingAnAgent() {
        try (AgentClient client = new AgentClient();
             InstanceProvider provider = ProviderDiscovery.all().get("local").create(context(settings(), client))) {
            assertThat(provider).isInstanceOf(LocalAgentProvider.class);
            assertThat(dir.resolve("agents")).doesNotExist();
        }
    }

    @Test
    void aMissingOrMalformedSettingIsAConfigErrorNamingIt() {
        try (AgentClient client = new AgentClient()) {
            Map<String, String> missing = new HashMap<>(settings());
            missing.remove("chromium");
            assertThatThrownBy(() -> new LocalAgentProviderFactory().create(context(missing, client)))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("chromium");
            Map<String, String> bad = new HashMap<>(settings());
            bad.put("browser.browser", "firefox");
            assertThatThrownBy(() -> new LocalAgentProviderFactory().create(context(bad, client)))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("browser.browser");
        }
    }

    @Test
    void anUnknownProviderIsAConfigErrorListingTheOnesFound() {
        try (AgentClient client = new AgentClient()) {
            assertThatThrownBy(() -> ProviderDiscovery.configured("kubernetes", null, client, "s"))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("kubernetes").hasMessageContaining("local");
        }
    }
}
