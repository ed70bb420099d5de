package io.warmpool.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {
    @TempDir
    Path dir;

    private int run(ByteArrayOutputStream err, String... args) {
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return Main.run(args);
        } finally {
            System.setErr(old);
        }
    }

    @Test
    void withoutChromiumItSaysHowToInstallItAndExitsWith2() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = run(err, "up", "--chromium", dir.resolve("no-such-chromium").toString(), "--data-dir", dir.toString());
        assertThat(code).isEqualTo(2);
        String text = err.toString(StandardCharsets.UTF_8);
        assertThat(text.lines().count()).isEqualTo(1);
        assertThat(text).contains("apt-get install -y chromium");
    }

    @Test
    void badArgumentsAndBadConfigsExitWith2NamingTheProblem() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(run(err, "up", "--port", "99999")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--port must be between 0 and 65535");

        Path config = Files.writeString(dir.resolve("c.json"), "{\"pools\":{\"browser\":{\"minIdle\":-1}}}");
        ByteArrayOutputStream err2 = new ByteArrayOutputStream();
        assertThat(run(err2, "up", "--config", config.toString(), "--chromium", TestGateway.CHROMIUM.toString()))
                .isEqualTo(2);
        assertThat(err2.toString(StandardCharsets.UTF_8)).contains("browser.minIdle must be >= 0");
    }

    @Test
    void hashKeyPrintsTheConfigForm() {
        PrintStream old = System.out;
        java.io.InputStream oldIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setIn(new java.io.ByteArrayInputStream("secret\n".getBytes(StandardCharsets.UTF_8)));
        try {
            assertThat(Main.run(new String[]{"hash-key"})).isZero();
        } finally {
            System.setOut(old);
            System.setIn(oldIn);
        }
        assertThat(out.toString(StandardCharsets.UTF_8).trim())
                .isEqualTo("sha256:2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b");
    }
}
