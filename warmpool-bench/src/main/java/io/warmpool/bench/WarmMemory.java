package io.warmpool.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The memory of one warm instance, as proportional set size (PSS: shared pages split among their users): a bare
 * idle browser of each binary, and each warmpool pool's browsers (main process and every child, the prepared spare
 * page's renderer included) plus their share of the agent JVM. Stateless.
 */
final class WarmMemory {
    private static final Duration SETTLE = Duration.ofSeconds(2);

    private WarmMemory() {
    }

    static void print(BareChromium shellBrowser, Path chromium, Path profiles, int browsersPerPool) throws Exception {
        TextTable table = new TextTable("instance", "browsers measured", "browser PSS MB", "agent JVM share MB",
                "total MB");
        table.row("bare headless shell, idle, about:blank", 1, mb(tree(shellBrowser.pid())), "-", mb(tree(shellBrowser.pid())));
        try (BareChromium bare = BareChromium.start(chromium, profiles, Duration.ofSeconds(30))) {
            Thread.sleep(SETTLE);
            table.row("bare chromium, idle, about:blank", 1, mb(tree(bare.pid())), "-", mb(tree(bare.pid())));
        }
        for (ProcessHandle agent : ProcessTree.agents()) {
            List<ProcessHandle> browsers = ProcessTree.browsers(agent);
            long agentKb = ProcessTree.pssKb(agent).getOrDefault("agent JVM", 0L);
            double share = browsers.isEmpty() ? 0 : agentKb / (double) browsers.size();
            for (String binary : List.of("headless-shell", "chromium")) {
                List<ProcessHandle> mine = browsers.stream().filter(b -> binary(b).equals(binary)).toList();
                if (mine.isEmpty()) {
                    continue;
                }
                double each = mine.stream().mapToLong(b -> tree(b.pid())).average().orElse(0);
                table.row("warmpool " + binary + " pool, warm, with its spare page", mine.size(), mb(each), mb(share),
                        mb(each + share));
            }
        }
        System.out.println("Memory of a warm instance (" + browsersPerPool + " per pool; agent JVM shared by all):");
        System.out.println(table);
    }

    private static String binary(ProcessHandle browser) {
        return browser.info().command().orElse("").endsWith("headless-shell") ? "headless-shell" : "chromium";
    }

    private static long tree(long pid) {
        return ProcessHandle.of(pid).map(p -> ProcessTree.pssKb(p).values().stream().mapToLong(Long::longValue).sum())
                .orElse(0L);
    }

    private static double mb(double kb) {
        return kb / 1024;
    }
}
