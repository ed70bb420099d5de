package io.warmpool.server.cli;

import io.warmpool.server.http.KeyHash;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** {@code warmpool hash-key}: reads a key from stdin (never from the command line, where ps shows it). */
@Command(name = "hash-key", mixinStandardHelpOptions = true,
        description = {"Read an API key from stdin and print its sha256:... hash, the form auth.tenants.<name>.keys",
                "and auth.readOnlyKeys hold. Example: printf %s \"$KEY\" | warmpool hash-key"},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:ok", "2:no key on stdin"})
final class HashKeyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        String key = line == null ? "" : line.strip();
        if (key.isEmpty()) {
            throw new CliFailure(WarmpoolCli.USAGE, "no key on stdin; pipe it in: printf %s \"$KEY\" | warmpool hash-key");
        }
        spec.commandLine().getOut().println(KeyHash.of(key));
        return WarmpoolCli.OK;
    }
}
