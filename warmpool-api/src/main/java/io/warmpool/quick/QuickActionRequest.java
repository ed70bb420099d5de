package io.warmpool.quick;

import io.warmpool.InvalidRequestException;

import java.util.Set;

/**
 * The body of a quick action, shaped like Cloudflare Browser Run's REST quick actions.
 * Exactly one of {@code url} and {@code html}. Timeouts are in milliseconds.
 * Use {@link #validated(QuickAction)} to check it and fill in defaults; agents receive only validated requests.
 */
public record QuickActionRequest(String url, String html, Viewport viewport, GotoOptions gotoOptions,
                                 WaitForSelector waitForSelector, ScreenshotOptions screenshotOptions,
                                 PdfOptions pdfOptions) {

    public static final int MAX_TIMEOUT_MS = 60_000;
    public static final int DEFAULT_TIMEOUT_MS = 30_000;
    private static final Set<String> WAIT_UNTIL = Set.of("load", "domcontentloaded", "networkidle0", "networkidle2");
    private static final Set<String> IMAGE_TYPES = Set.of("png", "jpeg", "webp");
    private static final Set<String> PAPER_FORMATS = Set.of("letter", "legal", "tabloid", "ledger",
            "a0", "a1", "a2", "a3", "a4", "a5", "a6");

    public record Viewport(Integer width, Integer height, Double deviceScaleFactor) {
    }

    /** @param waitUntil one of load, domcontentloaded, networkidle0, networkidle2 */
    public record GotoOptions(String waitUntil, Integer timeout) {
    }

    public record WaitForSelector(String selector, Integer timeout, Boolean visible) {
    }

    /** @param type png, jpeg or webp; {@code quality} 0..100 only for jpeg and webp */
    public record ScreenshotOptions(String type, Integer quality, Boolean fullPage, Boolean omitBackground) {
    }

    /** @param format a paper size name (letter, a4, ...), case-insensitive */
    public record PdfOptions(String format, Boolean landscape, Boolean printBackground) {
    }

    /** Checks every field for {@code action} and returns a copy with every default filled in. */
    public QuickActionRequest validated(QuickAction action) {
        boolean hasUrl = url != null;
        boolean hasHtml = html != null;
        if (hasUrl == hasHtml) {
            throw invalid("url", "exactly one of 'url' and 'html' must be given");
        }
        if (hasUrl) {
            checkUrl(url);
        }
        Viewport vp = viewport == null ? new Viewport(null, null, null) : viewport;
        Viewport v = new Viewport(
                range("viewport.width", vp.width(), 1, 8192, 1280),
                range("viewport.height", vp.height(), 1, 8192, 720),
                rangeD("viewport.deviceScaleFactor", vp.deviceScaleFactor(), 0.1, 4.0, 1.0));
        GotoOptions go = gotoOptions == null ? new GotoOptions(null, null) : gotoOptions;
        String waitUntil = go.waitUntil() == null ? "load" : go.waitUntil();
        if (!WAIT_UNTIL.contains(waitUntil)) {
            throw invalid("gotoOptions.waitUntil", "gotoOptions.waitUntil must be one of " + sorted(WAIT_UNTIL)
                    + " (got '" + waitUntil + "')");
        }
        GotoOptions g = new GotoOptions(waitUntil,
                range("gotoOptions.timeout", go.timeout(), 1, MAX_TIMEOUT_MS, DEFAULT_TIMEOUT_MS));
        WaitForSelector w = null;
        if (waitForSelector != null) {
            if (waitForSelector.selector() == null || waitForSelector.selector().isBlank()) {
                throw invalid("waitForSelector.selector", "waitForSelector.selector must be a non-empty CSS selector");
            }
            w = new WaitForSelector(waitForSelector.selector(),
                    range("waitForSelector.timeout", waitForSelector.timeout(), 1, MAX_TIMEOUT_MS, DEFAULT_TIMEOUT_MS),
                    waitForSelector.visible() != null && waitForSelector.visible());
        }
        ScreenshotOptions s = null;
        PdfOptions p = null;
        if (action != QuickAction.SCREENSHOT && screenshotOptions != null) {
            throw invalid("screenshotOptions", "screenshotOptions is only valid for screenshot");
        }
        if (action != QuickAction.PDF && pdfOptions != null) {
            throw invalid("pdfOptions", "pdfOptions is only valid for pdf");
        }
        if (action == QuickAction.SCREENSHOT) {
            ScreenshotOptions so = screenshotOptions == null ? new ScreenshotOptions(null, null, null, null) : screenshotOptions;
            String type = so.type() == null ? "png" : so.type();
            if (!IMAGE_TYPES.contains(type)) {
                throw invalid("screenshotOptions.type", "screenshotOptions.type must be one of " + sorted(IMAGE_TYPES)
                        + " (got '" + type + "')");
            }
            if (so.quality() != null && type.equals("png")) {
                throw invalid("screenshotOptions.quality", "screenshotOptions.quality is not supported for png");
            }
            Integer quality = so.quality() == null ? null : range("screenshotOptions.quality", so.quality(), 0, 100, 80);
            s = new ScreenshotOptions(type, quality, so.fullPage() != null && so.fullPage(),
                    so.omitBackground() != null && so.omitBackground());
        }
        if (action == QuickAction.PDF) {
            PdfOptions po = pdfOptions == null ? new PdfOptions(null, null, null) : pdfOptions;
            String format = po.format() == null ? "letter" : po.format().toLowerCase(java.util.Locale.ROOT);
            if (!PAPER_FORMATS.contains(format)) {
                throw invalid("pdfOptions.format", "pdfOptions.format must be one of " + sorted(PAPER_FORMATS)
                        + " (got '" + po.format() + "')");
            }
            p = new PdfOptions(format, po.landscape() != null && po.landscape(),
                    po.printBackground() != null && po.printBackground());
        }
        return new QuickActionRequest(url, html, v, g, w, s, p);
    }

    /** Total time the action may take at the agent: navigation plus selector wait plus capture slack. */
    public int budgetMillis() {
        int nav = gotoOptions == null || gotoOptions.timeout() == null ? DEFAULT_TIMEOUT_MS : gotoOptions.timeout();
        int sel = waitForSelector == null || waitForSelector.timeout() == null ? 0 : waitForSelector.timeout();
        return nav + sel + 10_000;
    }

    private static void checkUrl(String url) {
        java.net.URI uri;
        try {
            uri = new java.net.URI(url);
        } catch (java.net.URISyntaxException e) {
            throw invalid("url", "url is not a valid URI: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw invalid("url", "url must be http or https (got '" + (uri.getScheme() == null ? "" : uri.getScheme()) + "')");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw invalid("url", "url has no host: '" + url + "'");
        }
    }

    private static int range(String field, Integer value, int min, int max, int dflt) {
        if (value == null) {
            return dflt;
        }
        if (value < min || value > max) {
            throw invalid(field, field + " must be between " + min + " and " + max + " (got " + value + ")");
        }
        return value;
    }

    private static double rangeD(String field, Double value, double min, double max, double dflt) {
        if (value == null) {
            return dflt;
        }
        if (value.isNaN() || value < min || value > max) {
            throw invalid(field, field + " must be between " + min + " and " + max + " (got " + value + ")");
        }
        return value;
    }

    private static String sorted(Set<String> values) {
        return values.stream().sorted().toList().toString();
    }

    private static InvalidRequestException invalid(String field, String message) {
        return new InvalidRequestException("invalid_field", field, message);
    }
}
