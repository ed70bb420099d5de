package io.warmpool.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.core.PoolSettings;
import io.warmpool.server.config.AuthSettings;
import io.warmpool.server.http.KeyHash;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.warmpool.server.TestGateway.await;
import static io.warmpool.server.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's log in the format {@code --log-format json} selects, read from stderr: one JSON object per line,
 * events with their region/pool/instance/session fields, an access line per request without keys or tokens.
 */
class LogsTest {
    private static final String KEY = "acme-key-7f3a9c";
    private static final String[] ACME = {"Authorization", "Bearer " + KEY};

    @TempDir
    static Path dir;
    static TestGateway gw;
    static final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    static PrintStream stderr;

    @BeforeAll
    static void start() {
        stderr = System.err;
        System.setErr(new PrintStream(new Tee(captured, stderr), true, StandardCharsets.UTF_8));
        LogFormat.JSON.use();
        AuthSettings auth = new AuthSettings(false, Map.of("acme", new AuthSettings.Tenant("acme",
                List.of(KeyHash.of(KEY)), new AuthSettings.Limits(5, 100, 2))), AuthSettings.Limits.DEFAULT,
                List.of(), List.of("acme"));
        gw = TestGateway.warm(dir, PoolSettings.builder("browser").minIdle(1).maxSize(2)
                .acquireTimeout(Duration.ofSeconds(20)).build(), c -> c.withAuth(auth, "127.0.0.1"), Duration.ofSeconds(180),
                ACME);
    }

    @AfterAll
    static void stop() {
        try {
            if (gw != null) {
                gw.closeLeavingNoOrphans();
            }
        } finally {
            LogFormat.TEXT.use();
            System.setErr(stderr);
        }
    }

    /** Every line logged so far, parsed; fails on a line that is not JSON. */
    private static List<JsonNode> lines() {
        List<JsonNode> out = new ArrayList<>();
        String text;
        synchronized (captured) {
            text = captured.toString(StandardCharsets.UTF_8);
        }
        for (String line : text.split("\n")) {
            if (line.isBlank() || !line.startsWith("{")) {
                continue; // a test's own print; text log lines are looked for below
            }
            try {
                out.add(TestGateway.JSON.readTree(line));
            } catch (IOException e) {
                throw new AssertionError("not a JSON line: " + line, e);
            }
        }
        return out;
    }

    private static List<JsonNode> by(String logger) {
        return lines().stream().filter(l -> logger.equals(l.path("loggerName").asText())).toList();
    }

    @Test
    void theGatewayLogsJsonOnlyWithTheMessageFormatted() {
        String all;
        synchronized (captured) {
            all = captured.toString(StandardCharsets.UTF_8);
        }
        assertThat(all.lines().filter(l -> l.matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*")))
                .as("no line in the text format").isEmpty();
        assertThat(lines()).isNotEmpty().allMatch(l -> l.has("formattedMessage") && !l.has("arguments"));
        assertThat(lines()).anyMatch(l -> l.path("formattedMessage").asText().matches("weur - this gateway .* leads housekeeping .*"));
    }

    @Test
    void aStateChangeIsOneJsonLineWithItsFields() {
        List<JsonNode> warm = lines().stream().filter(l -> l.path("formattedMessage").asText().contains("is warm after")).toList();
        assertThat(warm).as("the first instance's WARM line").isNotEmpty();
        String fields = warm.getFirst().path("kvpList").toString();
        assertThat(fields).contains("\"region\"", "\"pool\"", "\"browser\"", "\"instance\"", "\"state\"", "\"WARM\"");
    }

    @Test
    void theAccessLogHasAFieldPerPartButNeverAKeyOrAToken() throws Exception {
        assertThat(gw.send("GET", "/v1/pools?verbose=1", null, ACME).statusCode()).isEqualTo(200);
        JsonNode session = json(gw.send("POST", "/v1/sessions", "{\"location\":\"CDG\",\"sessionId\":\"log-1\"}", ACME));
        String ws = session.get("webSocketDebuggerUrl").asText();
        String token = ws.substring(ws.indexOf("token=") + 6);
        assertThat(token).isNotEmpty();
        try (CdpClient cdp = new CdpClient(ws)) {
            assertThat(cdp.call(1, "Browser.getVersion", "{}").get("result")).isNotNull();
        }
        gw.send("GET", "/v1/sessions/log-1/json/version?token=" + token, null);
        gw.send("DELETE", "/v1/sessions/log-1", null, ACME);

        assertThat(await(Duration.ofSeconds(5), () -> by("io.warmpool.access").stream()
                .anyMatch(l -> l.path("kvpList").toString().contains("/v1/sessions/log-1/json/version")))).isTrue();
        assertThat(await(Duration.ofSeconds(5), () -> by("io.warmpool.access").stream()
                .filter(l -> l.path("formattedMessage").asText().equals("websocket closed"))
                .anyMatch(l -> l.path("kvpList").toString().contains("/v1/sessions/log-1/devtools/browser"))))
                .as("the CDP WebSocket's close, by path").isTrue();
        String pools = by("io.warmpool.access").stream().map(l -> l.path("kvpList").toString())
                .filter(f -> f.contains("\"/v1/pools\"")).findFirst().orElseThrow();
        assertThat(pools).contains("\"GET\"", "\"status\"", "200", "\"ms\"", "\"tenant\"", "\"acme\"").doesNotContain("verbose");
        String all;
        synchronized (captured) {
            all = captured.toString(StandardCharsets.UTF_8);
        }
        assertThat(all).as("the key never appears").doesNotContain(KEY);
        assertThat(all).as("the CDP token never appears").doesNotContain(token);
    }

    @Test
    void aLimitHitIsLoggedWithTheTenantAndTheLimit() {
        boolean limited = false;
        for (int i = 0; i < 10 && !limited; i++) {
            limited = gw.send("POST", "/v1/quick/content", "{}", ACME).statusCode() == 429;
        }
        assertThat(limited).isTrue();
        assertThat(lines().stream().filter(l -> l.path("formattedMessage").asText().contains("hit its limit"))
                .map(l -> l.path("kvpList").toString())).anyMatch(f -> f.contains("quickPerSecond") && f.contains("acme"));
    }

    /** Writes to the capture and on to the real stderr. */
    private static final class Tee extends OutputStream {
        private final ByteArrayOutputStream copy;
        private final OutputStream out;

        Tee(ByteArrayOutputStream copy, OutputStream out) {
            this.copy = copy;
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            synchronized (copy) {
                copy.write(b);
            }
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            synchronized (copy) {
                copy.write(b, off, len);
            }
            out.write(b, off, len);
        }
    }
}
