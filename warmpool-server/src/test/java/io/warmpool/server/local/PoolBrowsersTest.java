package io.warmpool.server.local;

import io.warmpool.BrowserKind;
import io.warmpool.core.PoolSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PoolBrowsersTest {
    private final List<PoolSettings> pools = List.of(PoolSettings.builder("quick").build(),
            PoolSettings.builder("full").browser(BrowserKind.CHROMIUM).build());

    @Test
    void eachPoolRunsWhatItAskedForWhenTheHeadlessShellIsThere(@TempDir Path bin) throws Exception {
        Path shell = executable(bin.resolve(PoolBrowsers.HEADLESS_SHELL));

        PoolBrowsers chosen = PoolBrowsers.choose(pools, PoolBrowsers.findOnPath(PoolBrowsers.HEADLESS_SHELL,
                "/nonexistent:" + bin).orElse(null));

        assertThat(chosen.headlessShell()).isEqualTo(shell);
        assertThat(chosen.of("quick")).isEqualTo(BrowserKind.HEADLESS_SHELL);
        assertThat(chosen.of("full")).isEqualTo(BrowserKind.CHROMIUM);
        assertThat(chosen.of("unknown")).isNull();
    }

    @Test
    void withoutAHeadlessShellOnPathEveryPoolRunsChromium(@TempDir Path empty) {
        PoolBrowsers chosen = PoolBrowsers.choose(pools, PoolBrowsers.findOnPath(PoolBrowsers.HEADLESS_SHELL,
                empty.toString()).orElse(null));

        assertThat(chosen.headlessShell()).isNull();
        assertThat(chosen.of("quick")).isEqualTo(BrowserKind.CHROMIUM);
        assertThat(chosen.of("full")).isEqualTo(BrowserKind.CHROMIUM);
    }

    @Test
    void aDirectoryOrAPlainFileOnPathIsNotAHeadlessShell(@TempDir Path bin) throws Exception {
        Files.createDirectory(bin.resolve("a"));
        Files.createDirectory(bin.resolve("a").resolve(PoolBrowsers.HEADLESS_SHELL));
        Files.createDirectory(bin.resolve("b"));
        Files.writeString(bin.resolve("b").resolve(PoolBrowsers.HEADLESS_SHELL), "not executable");

        assertThat(PoolBrowsers.findOnPath(PoolBrowsers.HEADLESS_SHELL, bin.resolve("a") + ":" + bin.resolve("b")))
                .isEmpty();
    }

    private static Path executable(Path file) throws Exception {
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
