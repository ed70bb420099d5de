package io.warmpool.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code warmpool check-url}: the guard's verdicts, one line per URL. Only literal addresses and localhost, and
 * nothing is ever connected to: the command resolves names and judges addresses, it sends no packet to them.
 */
class CheckUrlCommandTest {
    @TempDir
    Path dir;

    private record Result(int code, List<String> lines, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CheckUrlCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8).lines().toList(), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyRangeOfTheIssueIsBlockedAndAPublicAddressAllowed() {
        Result r = run("http://198.18.0.1/", "http://198.19.255.254:8080/x", "http://192.0.0.9/", "https://192.0.2.10/",
                "http://198.51.100.20/", "http://203.0.113.30/", "http://[100::1]/", "http://[2001:db8::1]/",
                "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "http://8.8.8.8/", "https://[2606:4700::1111]/");
        assertThat(r.lines()).containsExactly(
                "blocked http://198.18.0.1/ benchmarking (198.18.0.1)",
                "blocked http://198.19.255.254:8080/x benchmarking (198.19.255.254)",
                "blocked http://192.0.0.9/ ietf-protocol (192.0.0.9)",
                "blocked https://192.0.2.10/ documentation (192.0.2.10)",
                "blocked http://198.51.100.20/ documentation (198.51.100.20)",
                "blocked http://203.0.113.30/ documentation (203.0.113.30)",
                "blocked http://[100::1]/ discard (100:0:0:0:0:0:0:1)",
                "blocked http://[2001:db8::1]/ documentation (2001:db8:0:0:0:0:0:1)",
                "blocked http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/ loopback (IPv4 inside IPv6) "
                        + "(2001:0:4136:e378:8000:63bf:80ff:fffe)",
                "allowed http://8.8.8.8/ 8.8.8.8",
                "allowed https://[2606:4700::1111]/ 2606:4700:0:0:0:0:0:1111");
        assertThat(r.code()).as("some were blocked").isEqualTo(1);
    }

    @Test
    void theConfigsAllowListIsApplied() throws Exception {
        Path config = Files.writeString(dir.resolve("c.json"), "{\"egress\":{\"allow\":[\"127.0.0.1/32\"]}}");
        Result r = run("--config", config.toString(), "http://127.0.0.1:9222/json", "http://localhost:1/");
        assertThat(r.lines().get(0)).isEqualTo("allowed http://127.0.0.1:9222/json 127.0.0.1");
        assertThat(r.lines().get(1)).startsWith("allowed http://localhost:1/ 127.0.0.1");

        Result strict = run("http://localhost/", "ws://127.0.0.1/");
        assertThat(strict.lines()).allMatch(l -> l.startsWith("blocked ") && l.contains(" loopback ("));
    }

    @Test
    void badInputIsALineEachOrAUsageErrorWithExit2() throws Exception {
        Result r = run("ftp://8.8.8.8/", "not a url", "http:///path");
        assertThat(r.lines()).hasSize(3).allMatch(l -> l.startsWith("blocked "));
        assertThat(r.lines().get(0)).contains("unsupported-scheme");

        assertThat(run().code()).isEqualTo(2);
        assertThat(run().err()).contains("usage: warmpool check-url");
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"egress\":{\"allow\":[\"not a cidr!\"]}}");
        Result badConfig = run("--config", bad.toString(), "http://8.8.8.8/");
        assertThat(badConfig.code()).isEqualTo(2);
        assertThat(badConfig.err()).contains("egress.allow");
    }
}
