package io.warmpool.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;

/** What a figure was measured on, printed above every table: cores, CPU model, Chromium and Java versions, date. */
record MachineInfo(int cores, String cpu, String chromium, String java, String date) {

    static MachineInfo describe(Path chromium) {
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), cpuModel(), chromiumVersion(chromium),
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"),
                ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    }

    String text() {
        return "machine: nproc=" + cores + ", cpu=" + cpu + ", " + chromium + ", java " + java + ", " + date
                + "\n" + loadAverage();
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

    private static String chromiumVersion(Path chromium) {
        try {
            Process p = new ProcessBuilder(chromium.toString(), "--version")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return out.isEmpty() ? "chromium (version unknown)" : out;
        } catch (IOException e) {
            return "chromium (version unknown: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "chromium (version unknown)";
        }
    }
}
