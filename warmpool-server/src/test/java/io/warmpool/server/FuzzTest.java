package io.warmpool.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.core.PoolSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static io.warmpool.server.TestGateway.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of random and mutated bodies against every endpoint of a real gateway: never a 500, never a hang,
 * always the error envelope, no session lost or held twice, no process leaked.
 */
class FuzzTest {
    private static final int REQUESTS = 2500;
    private static final Set<Integer> ALLOWED = Set.of(200, 201, 202, 204, 400, 401, 403, 404, 405, 408, 410, 413, 422, 429, 503);
    private static final List<String> SEEDS = List.of(
            "{\"pool\":\"browser\",\"location\":\"LHR\",\"sessionId\":\"fz-1\",\"keepAlive\":\"PT30S\"}",
            "{\"html\":\"<h1>x</h1>\",\"viewport\":{\"width\":320,\"height\":200,\"deviceScaleFactor\":1},"
                    + "\"gotoOptions\":{\"waitUntil\":\"load\",\"timeout\":2000},\"screenshotOptions\":{\"type\":\"png\"}}",
            "{\"url\":\"http://a.example/\",\"waitForSelector\":{\"selector\":\"#a\",\"timeout\":10},"
                    + "\"pdfOptions\":{\"format\":\"a4\",\"landscape\":true}}",
            "{\"agentId\":\"x\",\"region\":\"weur\",\"at\":\"2026-01-01T00:00:00Z\",\"instances\":[{\"instanceId\":\"i\",\"alive\":true}]}");
    private static final List<String[]> ENDPOINTS = List.of(
            new String[]{"POST", "/v1/sessions"}, new String[]{"POST", "/v1/quick/screenshot"},
            new String[]{"POST", "/v1/quick/pdf"}, new String[]{"POST", "/v1/quick/content"},
            new String[]{"POST", "/internal/v1/heartbeats"}, new String[]{"GET", "/v1/sessions/%s"},
            new String[]{"DELETE", "/v1/sessions/%s"}, new String[]{"GET", "/v1/sessions/%s/json/version"},
            new String[]{"GET", "/v1/pools"}, new String[]{"PUT", "/v1/sessions"}, new String[]{"POST", "/v1/quick/%s"},
            new String[]{"POST", "/client/v4/accounts/%s/browser-rendering/content"},
            new String[]{"POST", "/accounts/a/browser-run/%s"}, new String[]{"POST", "/v1/quick/markdown"},
            new String[]{"GET", "/accounts/a/browser-rendering/devtools/session/%s"},
            new String[]{"GET", "/client/v4/accounts/a/browser-rendering/limits"}, new String[]{"GET", "/v1/crawl/%s"});
    private static final String[] JUNK = {"", "{", "}", "[", "]", "\"", ":", ",", "null", "true", "-1", "1e999",
            "9999999999999999999", "\u0000", "\uffff", "\\u0000", "💥", "{\"a\":", "[[[[[[[[", "NaN", " ", "\n",
            "\"url\"", "\"html\"", "{}", "[]", "\"LHR\"", "\"browser\"", "0.5", "-0", "\"PT-5S\"", "\"P1000D\""};

    @TempDir
    Path dir;

    @Test
    void randomAndMutatedBodiesNeverBreakTheGateway() {
        Random random = new Random(20261123);
        Map<Integer, Integer> statuses = new TreeMap<>();
        TestGateway gw = new TestGateway(dir, PoolSettings.builder("browser").minIdle(1).maxSize(3)
                .acquireTimeout(Duration.ofSeconds(2)).build());
        int sessionsMade = 0;
        try {
            assertThat(await(Duration.ofSeconds(60), () -> gw.pool("weur").get("warm").asInt() >= 1)).isTrue();
            for (int n = 0; n < REQUESTS; n++) {
                String[] endpoint = ENDPOINTS.get(random.nextInt(ENDPOINTS.size()));
                String path = endpoint[1].contains("%s") ? endpoint[1].formatted(pathJunk(random)) : endpoint[1];
                String body = endpoint[0].equals("GET") || endpoint[0].equals("DELETE") ? null : body(random);
                HttpResponse<byte[]> r;
                try {
                    r = gw.send(endpoint[0], path, body);
                } catch (IllegalArgumentException badUri) {
                    continue; // the client refused to build the URI; nothing reached the gateway
                } catch (IllegalStateException noAnswer) {
                    throw new AssertionError("no answer to " + endpoint[0] + " " + path + " " + body, noAnswer);
                }
                statuses.merge(r.statusCode(), 1, Integer::sum);
                String shown = endpoint[0] + " " + path + " " + (body == null ? "" : body.substring(0, Math.min(200, body.length())));
                assertThat(r.statusCode()).as(shown).isIn(ALLOWED);
                if (r.statusCode() >= 400) {
                    JsonNode error = TestGateway.json(r);
                    assertThat(error.get("success").asBoolean()).as(shown).isFalse();
                    assertThat(error.get("errors").get(0).get("code").asText()).as(shown).matches("[a-z_]+");
                    assertThat(new String(r.body(), StandardCharsets.UTF_8)).as(shown).doesNotContain("at io.warmpool");
                }
                if (r.statusCode() == 201) {
                    sessionsMade++;
                    gw.send("DELETE", "/v1/sessions/" + TestGateway.json(r).get("sessionId").asText(), null);
                }
            }
            assertThat(await(Duration.ofSeconds(30), () -> gw.pool("weur").get("claimed").asInt() == 0
                    && gw.pool("enam").get("claimed").asInt() == 0)).as("every session made was released; none held twice").isTrue();
            assertThat(gw.send("GET", "/healthz", null).statusCode()).isEqualTo(200);
        } finally {
            gw.close();
        }
        assertThat(gw.browserProcesses()).as("no leaked browser").isZero();
        assertThat(gw.agentProcesses()).as("no leaked agent").isZero();
        System.out.printf("fuzz: %d requests tried, statuses %s, %d sessions made and released, sessions lost: 0, "
                + "5xx other than 503: %d%n", REQUESTS, statuses, sessionsMade,
                statuses.entrySet().stream().filter(e -> e.getKey() >= 500 && e.getKey() != 503).mapToInt(Map.Entry::getValue).sum());
    }

    private static String pathJunk(Random r) {
        String[] options = {"fz-1", "x", "%20", "..", "a".repeat(300), "%00", "quick-1", "default%2Ffz-1", "screenshot", "pdf"};
        return options[r.nextInt(options.length)];
    }

    private static String body(Random r) {
        String seed = SEEDS.get(r.nextInt(SEEDS.size()));
        StringBuilder b = new StringBuilder(seed);
        int mutations = r.nextInt(4);
        for (int m = 0; m < mutations && b.length() > 0; m++) {
            int at = r.nextInt(b.length());
            switch (r.nextInt(5)) {
                case 0 -> b.insert(at, JUNK[r.nextInt(JUNK.length)]);
                case 1 -> b.deleteCharAt(at);
                case 2 -> b.setLength(at);
                case 3 -> b.setCharAt(at, (char) (32 + r.nextInt(95)));
                default -> b.replace(0, b.length(), JUNK[r.nextInt(JUNK.length)]);
            }
        }
        return b.toString();
    }
}
