package io.warmpool.agent.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.quick.QuickAction;
import io.warmpool.quick.QuickActionRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Takes the result of a quick action from a loaded page: image, PDF or serialized HTML. Stateless. */
final class PageCapture {
    /** Paper sizes in inches (width, height), portrait. */
    private static final Map<String, double[]> PAPER = Map.ofEntries(
            Map.entry("letter", new double[]{8.5, 11}), Map.entry("legal", new double[]{8.5, 14}),
            Map.entry("tabloid", new double[]{11, 17}), Map.entry("ledger", new double[]{17, 11}),
            Map.entry("a0", new double[]{33.1, 46.8}), Map.entry("a1", new double[]{23.4, 33.1}),
            Map.entry("a2", new double[]{16.54, 23.4}), Map.entry("a3", new double[]{11.7, 16.54}),
            Map.entry("a4", new double[]{8.27, 11.7}), Map.entry("a5", new double[]{5.83, 8.27}),
            Map.entry("a6", new double[]{4.13, 5.83}));
    private static final String CONTENT_FUNCTION = """
            (() => {
              let html = '';
              for (const node of document.childNodes) {
                html += node === document.documentElement
                    ? document.documentElement.outerHTML
                    : new XMLSerializer().serializeToString(node);
              }
              return html;
            })()""";

    private PageCapture() {
    }

    static QuickResult capture(IsolatedPage page, QuickAction action, QuickActionRequest request, Duration timeout) {
        return switch (action) {
            case SCREENSHOT -> screenshot(page, request.screenshotOptions(), timeout);
            case PDF -> pdf(page, request.pdfOptions(), timeout);
            case CONTENT -> QuickResult.content(page.call("Runtime.evaluate",
                    Map.of("expression", CONTENT_FUNCTION, "returnByValue", true), timeout)
                    .path("result").path("value").asText(""));
        };
    }

    private static QuickResult screenshot(IsolatedPage page, QuickActionRequest.ScreenshotOptions options,
                                          Duration timeout) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("format", options.type());
        if (options.quality() != null) {
            params.put("quality", options.quality());
        }
        if (options.omitBackground()) {
            page.call("Emulation.setDefaultBackgroundColorOverride",
                    Map.of("color", Map.of("r", 0, "g", 0, "b", 0, "a", 0)), timeout);
        }
        if (options.fullPage()) {
            JsonNode metrics = page.call("Page.getLayoutMetrics", null, timeout);
            JsonNode size = metrics.has("cssContentSize") ? metrics.get("cssContentSize") : metrics.path("contentSize");
            params.put("captureBeyondViewport", true);
            params.put("clip", Map.of("x", 0, "y", 0, "scale", 1,
                    "width", Math.ceil(size.path("width").asDouble()), "height", Math.ceil(size.path("height").asDouble())));
        }
        byte[] image = decode(page.call("Page.captureScreenshot", params, timeout));
        return QuickResult.binary(image, "image/" + options.type());
    }

    private static QuickResult pdf(IsolatedPage page, QuickActionRequest.PdfOptions options, Duration timeout) {
        double[] paper = PAPER.get(options.format());
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("paperWidth", paper[0]);
        params.put("paperHeight", paper[1]);
        params.put("landscape", options.landscape());
        params.put("printBackground", options.printBackground());
        return QuickResult.binary(decode(page.call("Page.printToPDF", params, timeout)), "application/pdf");
    }

    private static byte[] decode(JsonNode result) {
        try {
            byte[] data = result.path("data").binaryValue();
            if (data == null) {
                throw new CdpException(CdpException.Kind.ERROR, "the browser returned no data");
            }
            return data;
        } catch (IOException e) {
            throw new UncheckedIOException("bad base64 from the browser", e);
        }
    }
}
