package io.warmpool.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.core.PoolSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static io.warmpool.server.TestGateway.await;
import static io.warmpool.server.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A browser killed in the middle of a quick action, against real processes: the caller gets an answer in the error
 * envelope (or the action's result, if the retry on another instance succeeded), the dead instance is never handed out
 * again, and nothing stays claimed: the quick path's claim and release (one statement each) free what they took.
 */
class QuickActionCrashTest {
    @TempDir
    Path dir;

    @Test
    void aBrowserKilledMidActionFreesItsInstanceAndTheCallerGetsAnAnswer() throws Exception {
        PoolSettings browser = PoolSettings.builder("browser").minIdle(1).maxSize(2).staleAfter(Duration.ofSeconds(5))
                .acquireTimeout(Duration.ofSeconds(20)).build();
        try (TestGateway gw = TestGateway.warm(dir, browser, c -> c, Duration.ofSeconds(90))) {
            AtomicReference<HttpResponse<byte[]>> answer = new AtomicReference<>();
            Thread caller = Thread.ofVirtual().start(() -> answer.set(gw.send("POST", "/v1/quick/content",
                    "{\"html\":\"<p>x</p>\",\"waitForSelector\":{\"selector\":\"#never\",\"timeout\":8000}}",
                    "X-Warmpool-Location", "LHR")));
            assertThat(await(Duration.ofSeconds(20), () -> gw.pool("weur").get("claimed").asInt() == 1))
                    .as("the action holds its instance").isTrue();
            // the browser of the instance the action holds (its user-data-dir is named after the instance); the pool
            // may have started a second one meanwhile
            String victim = idsIn(gw, InstanceState.CLAIMED).getFirst();
            long pid = Processes.browsers(gw.dataDir.toString()).stream()
                    .filter(p -> p.line().contains(victim)).findFirst().orElseThrow().pid();

            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            caller.join(Duration.ofSeconds(60));

            HttpResponse<byte[]> r = answer.get();
            assertThat(r).as("the caller got an answer").isNotNull();
            assertThat(r.statusCode()).as("never a 500").isNotEqualTo(500);
            if (r.statusCode() != 200) {
                JsonNode body = json(r);
                assertThat(body.get("success").asBoolean()).isFalse();
                assertThat(body.get("errors").get(0).get("code").asText()).isNotBlank();
            } else {
                // an answer may name the dead instance when it reports that instance's failure, never when it succeeds
                assertThat(r.headers().firstValue("X-Warmpool-Instance")).as("not served by the dead one")
                        .isNotEqualTo(java.util.Optional.of(victim));
            }
            assertThat(await(Duration.ofSeconds(60), () -> gw.pool("weur").get("claimed").asInt() == 0
                    && gw.pool("weur").get("warm").asInt() >= 1 && !warmIds(gw).contains(victim)))
                    .as("nothing stays claimed, the dead instance is gone and the pool is warm again").isTrue();
        }
    }

    private static List<String> warmIds(TestGateway gw) {
        return idsIn(gw, InstanceState.WARM);
    }

    private static List<String> idsIn(TestGateway gw, InstanceState state) {
        return gw.gateway.regions().get("weur").shard().snapshot("browser").stream()
                .filter(i -> i.state() == state).map(Instance::id).toList();
    }
}
