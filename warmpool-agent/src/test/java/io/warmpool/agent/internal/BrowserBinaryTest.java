package io.warmpool.agent.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

class BrowserBinaryTest {
    @TempDir
    Path dir;

    @Test
    void aOneLineLauncherScriptIsLookedThrough() throws Exception {
        Path real = executable("real", "binary");
        Path plain = executable("plain", "#!/bin/sh -e\n\n" + real + " \"$@\"\n");
        Path withExec = executable("exec", "#!/bin/sh\n# launcher\nexec " + real + " \"$@\"\n");

        assertThat(BrowserBinary.unwrap(plain)).isEqualTo(real);
        assertThat(BrowserBinary.unwrap(withExec)).isEqualTo(real);
    }

    @Test
    void anythingElseIsStartedAsItIs() throws Exception {
        Path real = executable("real", "binary");
        Path twoCommands = executable("two", "#!/bin/sh\nexport X=1\n" + real + " \"$@\"\n");
        Path missingTarget = executable("missing", "#!/bin/sh\n" + dir.resolve("nowhere") + " \"$@\"\n");
        Path big = executable("big", "#!/bin/sh\n" + "#".repeat(2000) + "\n" + real + " \"$@\"\n");

        assertThat(BrowserBinary.unwrap(twoCommands)).isEqualTo(twoCommands);
        assertThat(BrowserBinary.unwrap(missingTarget)).isEqualTo(missingTarget);
        assertThat(BrowserBinary.unwrap(big)).isEqualTo(big);
        assertThat(BrowserBinary.unwrap(real)).isEqualTo(real);
    }

    private Path executable(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
