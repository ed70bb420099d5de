package io.warmpool.agent.internal;

import io.warmpool.quick.QuickActionRequest;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A PDF of a loaded page through {@code Page.printToPDF}, with Puppeteer's option names. Stateless. */
final class PdfCapture {
    /** Paper sizes in inches (width, height), portrait. */
    private static final Map<String, double[]> PAPER = Map.ofEntries(
            Map.entry("letter", new double[]{8.5, 11}), Map.entry("legal", new double[]{8.5, 14}),
            Map.entry("tabloid", new double[]{11, 17}), Map.entry("ledger", new double[]{17, 11}),
            Map.entry("a0", new double[]{33.1, 46.8}), Map.entry("a1", new double[]{23.4, 33.1}),
            Map.entry("a2", new double[]{16.54, 23.4}), Map.entry("a3", new double[]{11.7, 16.54}),
            Map.entry("a4", new double[]{8.27, 11.7}), Map.entry("a5", new double[]{5.83, 8.27}),
            Map.entry("a6", new double[]{4.13, 5.83}));

    private PdfCapture() {
    }

    static QuickResult capture(IsolatedPage page, QuickActionRequest.PdfOptions o, Duration timeout) {
        double[] paper = PAPER.get(o.format());
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("paperWidth", o.width() != null ? inches(o.width()) : paper[0]);
        params.put("paperHeight", o.height() != null ? inches(o.height()) : paper[1]);
        params.put("landscape", o.landscape());
        params.put("printBackground", o.printBackground());
        params.put("scale", o.scale());
        params.put("displayHeaderFooter", o.displayHeaderFooter());
        // Puppeteer's defaults: an empty header/footer rather than Chromium's date and title
        params.put("headerTemplate", o.headerTemplate() == null ? "<span></span>" : o.headerTemplate());
        params.put("footerTemplate", o.footerTemplate() == null ? "<span></span>" : o.footerTemplate());
        params.put("preferCSSPageSize", o.preferCSSPageSize());
        params.put("generateDocumentOutline", o.outline());
        params.put("generateTaggedPDF", o.tagged());
        if (o.pageRanges() != null) {
            params.put("pageRanges", o.pageRanges());
        }
        if (o.margin() != null) {
            putMargin(params, "marginTop", o.margin().top());
            putMargin(params, "marginRight", o.margin().right());
            putMargin(params, "marginBottom", o.margin().bottom());
            putMargin(params, "marginLeft", o.margin().left());
        }
        if (o.omitBackground()) {
            page.call("Emulation.setDefaultBackgroundColorOverride",
                    Map.of("color", Map.of("r", 0, "g", 0, "b", 0, "a", 0)), timeout);
        }
        Duration t = o.timeout() == null ? timeout : Duration.ofMillis(o.timeout());
        try {
            return QuickResult.binary(PageCapture.decode(page.call("Page.printToPDF", params, t)), "application/pdf");
        } catch (CdpException e) {
            if (e.kind() == CdpException.Kind.ERROR && e.getMessage().contains("Page range")) {
                throw new AgentException("invalid_field", 400, "pdfOptions.pageRanges: " + e.getMessage());
            }
            throw e;
        }
    }

    private static void putMargin(Map<String, Object> params, String key, Object value) {
        if (value != null) {
            params.put(key, inches(value));
        }
    }

    /** A validated length, "Xin". */
    private static double inches(Object validated) {
        String s = validated.toString();
        return Double.parseDouble(s.endsWith("in") ? s.substring(0, s.length() - 2) : s);
    }
}
