package io.warmpool.process;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Runs a template's {@link Reset} on a released process. Thread-safe. */
final class Resets {
    private static final Logger log = LoggerFactory.getLogger(Resets.class);

    private final Probes probes;

    Resets(Probes probes) {
        this.probes = probes;
    }

    /** Whether {@code process} is clean now; false: it must be replaced. */
    boolean reset(ProcessInstance process, ProcessTemplate template) {
        try {
            return switch (template.reset()) {
                case Reset.None n -> true;
                case Reset.Replace r -> false;
                case Reset.HttpCall h -> probes.answers2xx("POST",
                        ProcessTemplate.expand(h.url(), process.port(), process.dataDir()), template.startTimeout());
                case Reset.Command c -> runs(c, process, template);
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean runs(Reset.Command c, ProcessInstance process, ProcessTemplate template)
            throws InterruptedException {
        var command = c.command().stream().map(a -> ProcessTemplate.expand(a, process.port(), process.dataDir()))
                .toList();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(template.environmentFor(process.port(), process.dataDir()));
        if (template.workingDir() != null) {
            builder.directory(template.workingDir().toFile());
        }
        Process p;
        try {
            p = builder.start();
        } catch (IOException e) {
            log.warn("{} - reset command {} failed to start: {}", process.id(), command, e.getMessage());
            return false;
        }
        if (!p.waitFor(template.startTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            log.warn("{} - reset command {} took over {} ms", process.id(), command, template.startTimeout().toMillis());
            return false;
        }
        return p.exitValue() == 0;
    }
}
