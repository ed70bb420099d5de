package io.warmpool.server.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code warmpool simulate} as scripts run it: arguments in, one JSON object as the last line out. */
class SimulateCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private record Out(int code, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out.strip().substring(out.strip().lastIndexOf('\n') + 1));
            } catch (IOException e) {
                throw new AssertionError("no JSON last line in: " + out, e);
            }
        }
    }

    private Out simulate(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SimulateCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Out(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path trace(String header, List<String> rows) throws IOException {
        Path f = Files.createTempFile(dir, "trace", ".csv");
        List<String> lines = new ArrayList<>();
        lines.add(header);
        lines.addAll(rows);
        Files.write(f, lines);
        return f;
    }

    /** One acquire every {@code everyMs}, each held {@code holdMs}, starting a minute and a half second in. */
    private Path spaced(int n, long everyMs, long holdMs) throws IOException {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add((60_500 + i * everyMs) + "," + holdMs);
        }
        return trace("at_ms,duration_ms", rows);
    }

    @Test
    void theLastLineIsOneJsonObjectWithExactlyTheKeysOfTheInterface() throws IOException {
        Out r = simulate("--trace", spaced(20, 10_000, 1_000).toString(), "--policy", "fixed:2", "--start-ms", "100");

        assertThat(r.code()).isZero();
        List<String> keys = new ArrayList<>();
        r.json().fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("requests", "warmHits", "warmHitRate", "waitP50Ms", "waitP99Ms",
                "idleInstanceSeconds", "busyInstanceSeconds", "instancesStarted", "peakInstances");
    }

    @Test
    void fixedKeepsItsIdleAndTheExtrasItStarted() throws IOException {
        JsonNode j = simulate("--trace", spaced(20, 10_000, 1_000).toString(), "--policy", "fixed:2",
                "--start-ms", "100").json();

        assertThat(j.get("requests").asLong()).isEqualTo(20);
        assertThat(j.get("warmHits").asLong()).isEqualTo(20);
        // a claim leaves one idle, so the housekeeper starts a third; released, it is kept
        assertThat(j.get("instancesStarted").asLong()).isEqualTo(3);
        assertThat(j.get("peakInstances").asInt()).isEqualTo(3);
        assertThat(j.get("busyInstanceSeconds").asDouble()).isEqualTo(20.0);
    }

    @Test
    void exactZeroStartsOneInstancePerAcquireAndEveryAcquireWaitsForIt() throws IOException {
        JsonNode j = simulate("--trace", spaced(20, 10_000, 1_000).toString(), "--policy", "exact:0",
                "--start-ms", "250").json();

        assertThat(j.get("warmHits").asLong()).isZero();
        assertThat(j.get("instancesStarted").asLong()).isEqualTo(20);
        assertThat(j.get("waitP50Ms").asDouble()).isEqualTo(250.0);
        assertThat(j.get("idleInstanceSeconds").asDouble()).as("only the starts, 0.25 s each").isEqualTo(5.0);
    }

    @Test
    void adaptiveFollowsABurstAndLetsItGoAfterwards() throws IOException {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            rows.add((i * 1_000L) + ",500"); // ten minutes at 1/s
        }
        for (int i = 0; i < 6_000; i++) {
            rows.add((600_000 + i * 50L) + ",2000"); // five minutes at 20/s
        }
        for (int i = 0; i < 1_800; i++) {
            rows.add((900_000 + i * 1_000L) + ",500"); // thirty minutes at 1/s
        }
        Path t = trace("at_ms,duration_ms", rows);

        JsonNode adaptive = simulate("--trace", t.toString(), "--policy", "adaptive", "--start-ms", "300").json();
        JsonNode fixed = simulate("--trace", t.toString(), "--policy", "fixed:2", "--start-ms", "300").json();

        assertThat(adaptive.get("warmHitRate").asDouble()).isGreaterThanOrEqualTo(0.99);
        assertThat(adaptive.get("idleInstanceSeconds").asDouble())
                .as("fixed keeps the burst's instances through the quiet half hour")
                .isLessThan(fixed.get("idleInstanceSeconds").asDouble() / 2);
    }

    @Test
    void perMinuteCountsAreSpreadOverEachMinuteAndHeldForDurationMs() throws IOException {
        Path t = trace("minute,count", List.of("1,30", "2,0", "3,60"));

        JsonNode j = simulate("--trace", t.toString(), "--policy", "fixed:3", "--duration-ms", "200").json();

        assertThat(j.get("requests").asLong()).isEqualTo(90);
        assertThat(j.get("busyInstanceSeconds").asDouble()).isEqualTo(18.0);
    }

    @Test
    void poolsInTheThirdColumnAreSizedApart() throws IOException {
        Path t = trace("at_ms,duration_ms,pool", List.of("1000,100,alpha", "2000,100,beta", "3000,100,alpha"));

        JsonNode j = simulate("--trace", t.toString(), "--policy", "fixed:1", "--start-ms", "10").json();

        assertThat(j.get("requests").asLong()).isEqualTo(3);
        assertThat(j.get("peakInstances").asInt()).as("two per pool at most").isLessThanOrEqualTo(4).isGreaterThanOrEqualTo(2);
    }

    @Test
    void perPoolRowsAddUpToTheTotalsAndTellThePoolsApart() throws IOException {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rows.add((1_000 + i * 500) + ",200,busy");
        }
        rows.add("5250,100,rare");
        rows.sort(java.util.Comparator.comparingLong(r -> Long.parseLong(r.substring(0, r.indexOf(',')))));
        Path t = trace("at_ms,duration_ms,pool", rows);
        Path perPool = dir.resolve("per-pool.csv");

        JsonNode j = simulate("--trace", t.toString(), "--policy", "exact:0", "--start-ms", "50",
                "--per-pool", perPool.toString()).json();

        List<String> lines = Files.readAllLines(perPool);
        assertThat(lines.get(0)).isEqualTo(
                "pool,requests,warmHits,warmHitRate,idleInstanceSeconds,instancesStarted,warmthCost");
        assertThat(lines).hasSize(3);
        String[] busy = lines.get(1).split(",");
        String[] rare = lines.get(2).split(",");
        assertThat(busy[0]).isEqualTo("busy");
        assertThat(rare[0]).isEqualTo("rare");
        assertThat(Long.parseLong(busy[1])).isEqualTo(40);
        assertThat(Long.parseLong(rare[1])).isEqualTo(1);
        // exact:0 keeps nothing idle: every acquire starts its own instance and waits for it
        assertThat(Long.parseLong(busy[5])).isEqualTo(40);
        assertThat(Long.parseLong(rare[5])).isEqualTo(1);
        assertThat(Long.parseLong(busy[2]) + Long.parseLong(rare[2])).isEqualTo(j.get("warmHits").asLong());
        assertThat(Double.parseDouble(busy[4]) + Double.parseDouble(rare[4]))
                .isCloseTo(j.get("idleInstanceSeconds").asDouble(), org.assertj.core.data.Offset.offset(0.2));
        assertThat(Double.parseDouble(rare[4])).as("one start of 50 ms idle, nothing kept")
                .isCloseTo(0.05, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void badInputExitsTwoNamingWhatIsWrong() throws IOException {
        Out header = simulate("--trace", trace("when,how_long", List.of("1,2")).toString(), "--policy", "adaptive");
        assertThat(header.code()).isEqualTo(2);
        assertThat(header.err()).contains("line 1").contains("when,how_long");

        Out number = simulate("--trace", trace("at_ms,duration_ms", List.of("5,x")).toString(), "--policy", "adaptive");
        assertThat(number.code()).isEqualTo(2);
        assertThat(number.err()).contains("line 2").contains("duration_ms=x");

        Out counts = simulate("--trace", trace("minute,count", List.of("1,5")).toString(), "--policy", "adaptive");
        assertThat(counts.err()).contains("--duration-ms is required");

        Out policy = simulate("--trace", spaced(1, 1, 1).toString(), "--policy", "greedy");
        assertThat(policy.code()).isEqualTo(2);
        assertThat(policy.err()).contains("policy=greedy");

        Out missing = simulate("--policy", "adaptive");
        assertThat(missing.err()).contains("--trace is required");

        Out pool = simulate("--trace", trace("at_ms,duration_ms,pool", List.of("1,1,Bad_Pool")).toString(),
                "--policy", "adaptive");
        assertThat(pool.err()).contains("line 2").contains("pool=Bad_Pool");
    }
}
