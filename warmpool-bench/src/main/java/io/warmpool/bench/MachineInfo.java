package io.warmpool.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;

/**
 * What a figure was measured on, printed above every table: cores, CPU model, Chromium and Java versions, date,
 * the source tree's commit (when run from a git checkout) and the load average.
 */
record MachineInfo(int cores, String cpu, String chromium, String java, String date, String commit) {

    static MachineInfo describe(Path chromium) {
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), cpuModel(),
                firstLine(chromium.toString(), "--version"),
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"),
                ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                firstLine("git", "describe", "--always", "--dirty"));
    }

    String text() {
        return "machine: nproc=" + cores + ", cpu=" + cpu + ", " + chromium + ", java " + java + "\n"
                + "date: " + date + ", source tree: " + commit + "\n" + loadAverage();
    }

    /** The 1, 5 and 15 minute load averages: on a shared machine, the first thing to look at beside a figure. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return "load average (1/5/15 min): " + f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "load average: unknown";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The first line a short command prints on stdout, or "unknown". */
    private static String firstLine(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return out.isEmpty() ? "unknown" : out.lines().findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
