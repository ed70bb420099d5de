package io.warmpool.server.http;

import io.warmpool.ActionFailedException;
import io.warmpool.quick.QuickActionRequest;
import io.warmpool.server.config.AiSettings;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The quick-action cache with an injected ticker, and json without a model. */
class QuickCacheTest {
    private final AtomicLong now = new AtomicLong();

    private static QuickAnswer answer(String body) {
        return new QuickAnswer(200, "application/json", body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    @Test
    void anAnswerIsServedUntilItsTtlPasses() {
        QuickCache cache = new QuickCache(10, 1_000_000, now::get);
        cache.put("k", answer("one"), Duration.ofSeconds(5));

        now.addAndGet(Duration.ofSeconds(5).toNanos() - 1);
        assertThat(cache.get("k")).isPresent();
        now.addAndGet(1);
        assertThat(cache.get("k")).isEmpty();
    }

    @Test
    void aTtlOfZeroCachesNothing() {
        QuickCache cache = new QuickCache(10, 1_000_000, now::get);
        cache.put("k", answer("one"), Duration.ZERO);
        assertThat(cache.get("k")).isEmpty();
    }

    @Test
    void theOldestEntriesGoPastTheEntryOrByteBound() {
        QuickCache byCount = new QuickCache(2, 1_000_000, now::get);
        byCount.put("a", answer("1"), Duration.ofMinutes(1));
        byCount.put("b", answer("2"), Duration.ofMinutes(1));
        byCount.put("c", answer("3"), Duration.ofMinutes(1));
        assertThat(byCount.get("a")).isEmpty();
        assertThat(byCount.get("b")).isPresent();
        assertThat(byCount.size()).isEqualTo(2);

        QuickCache byBytes = new QuickCache(100, 40, now::get);
        byBytes.put("a", answer("0123456789"), Duration.ofMinutes(1));
        byBytes.put("b", answer("0123456789"), Duration.ofMinutes(1));
        byBytes.put("c", answer("0123456789"), Duration.ofMinutes(1));
        byBytes.put("d", answer("0123456789"), Duration.ofMinutes(1));
        byBytes.put("e", answer("0123456789"), Duration.ofMinutes(1));
        assertThat(byBytes.size()).isEqualTo(4);
        assertThat(byBytes.get("a")).isEmpty();
    }

    @Test
    void keysDifferByTenantActionPoolLocationAndBody() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String k = QuickCache.key("acme", "content", "browser", "weur", body);
        assertThat(QuickCache.key("acme", "content", "browser", "weur", body)).isEqualTo(k);
        assertThat(QuickCache.key("globex", "content", "browser", "weur", body)).isNotEqualTo(k);
        assertThat(QuickCache.key("acme", "markdown", "browser", "weur", body)).isNotEqualTo(k);
        assertThat(QuickCache.key("acme", "content", "browser", "enam", body)).isNotEqualTo(k);
        assertThat(QuickCache.key("acme", "content", "browser", "weur", "{ }".getBytes(StandardCharsets.UTF_8))).isNotEqualTo(k);
    }

    @Test
    void jsonWithoutAConfiguredModelIs501NamingTheSetting() {
        JsonAction json = new JsonAction(AiSettings.NONE, HttpClient.newHttpClient());
        QuickActionRequest request = new QuickActionRequest(null, "<p>x</p>", null, null, null, null, null);
        assertThatThrownBy(() -> json.run(request, r -> {
            throw new AssertionError("no page may be loaded without a model");
        })).isInstanceOf(ActionFailedException.class)
                .satisfies(e -> assertThat(((ActionFailedException) e).status()).isEqualTo(501))
                .satisfies(e -> assertThat(((ActionFailedException) e).code()).isEqualTo("ai_not_configured"))
                .hasMessageContaining("ai.endpoint");
    }
}
