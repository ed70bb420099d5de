package io.warmpool.bench;

import java.nio.file.*;
import java.time.Duration;
import java.util.Map;

public final class StepTimesProbe {
    public static void main(String[] a) throws Exception {
        Path root = Files.createTempDirectory("probe-");
        try (LocalPage page = new LocalPage(); var http = GatewayClient.newHttpClient();
             BareChromium b = BareChromium.start(Path.of("/usr/bin/chromium"), root, Duration.ofSeconds(30));
             CdpClient cdp = CdpClient.connect(http, b.browserUrl(), Duration.ofSeconds(10))) {
            for (int i = 0; i < 8; i++) {
                long t = System.nanoTime();
                StringBuilder sb = new StringBuilder();
                String target = cdp.call("Target.createTarget", Map.of("url", "about:blank"), null, Duration.ofSeconds(30)).path("targetId").asText();
                sb.append(" create=").append((System.nanoTime() - t) / 1_000_000); t = System.nanoTime();
                String s = cdp.call("Target.attachToTarget", Map.of("targetId", target, "flatten", true), null, Duration.ofSeconds(30)).path("sessionId").asText();
                sb.append(" attach=").append((System.nanoTime() - t) / 1_000_000); t = System.nanoTime();
                cdp.call("Page.enable", null, s, Duration.ofSeconds(30));
                sb.append(" enable=").append((System.nanoTime() - t) / 1_000_000); t = System.nanoTime();
                var loaded = cdp.nextEvent("Page.loadEventFired", s);
                cdp.call("Page.navigate", Map.of("url", page.url()), s, Duration.ofSeconds(30));
                sb.append(" navigate=").append((System.nanoTime() - t) / 1_000_000); t = System.nanoTime();
                CdpClient.await(loaded, Duration.ofSeconds(30), "load");
                sb.append(" load=").append((System.nanoTime() - t) / 1_000_000); t = System.nanoTime();
                cdp.call("Page.captureScreenshot", Map.of("format", "png"), s, Duration.ofSeconds(30));
                sb.append(" capture=").append((System.nanoTime() - t) / 1_000_000); t = System.nanoTime();
                cdp.call("Target.closeTarget", Map.of("targetId", target), null, Duration.ofSeconds(30));
                sb.append(" close=").append((System.nanoTime() - t) / 1_000_000);
                System.out.println(sb);
            }
        } finally {
            BareChromium.deleteTree(root);
        }
    }
}
