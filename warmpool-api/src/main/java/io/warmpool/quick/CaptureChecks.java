package io.warmpool.quick;

import io.warmpool.quick.PageOptions.Clip;
import io.warmpool.quick.PageOptions.CustomAi;
import io.warmpool.quick.PageOptions.Margin;
import io.warmpool.quick.PageOptions.ScrapeElement;
import io.warmpool.quick.QuickActionRequest.PdfOptions;
import io.warmpool.quick.QuickActionRequest.ScreenshotOptions;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import static io.warmpool.quick.Checks.flag;
import static io.warmpool.quick.Checks.invalid;
import static io.warmpool.quick.Checks.onlyFor;
import static io.warmpool.quick.QuickAction.JSON;
import static io.warmpool.quick.QuickAction.LINKS;
import static io.warmpool.quick.QuickAction.PDF;
import static io.warmpool.quick.QuickAction.SCRAPE;
import static io.warmpool.quick.QuickAction.SCREENSHOT;
import static io.warmpool.quick.QuickAction.SNAPSHOT;

/** Checks the fields that belong to one action (screenshot, pdf, scrape, links, snapshot, json). */
final class CaptureChecks {
    static final Set<String> FORMATS = Set.of("content", "screenshot", "markdown", "accessibilityTree");
    private static final Set<String> IMAGE_TYPES = Set.of("png", "jpeg", "webp");
    private static final Set<String> PAPER_FORMATS = Set.of("letter", "legal", "tabloid", "ledger",
            "a0", "a1", "a2", "a3", "a4", "a5", "a6");

    private final QuickActionRequest r;
    private final QuickAction action;

    CaptureChecks(QuickActionRequest request, QuickAction action) {
        this.r = request;
        this.action = action;
        onlyFor("screenshotOptions", r.screenshotOptions(), action, SCREENSHOT, SNAPSHOT);
        onlyFor("pdfOptions", r.pdfOptions(), action, PDF);
        onlyFor("selector", r.selector(), action, SCREENSHOT);
        onlyFor("scrollPage", r.scrollPage(), action, SCREENSHOT);
        onlyFor("elements", r.elements(), action, SCRAPE);
        onlyFor("visibleLinksOnly", r.visibleLinksOnly(), action, LINKS);
        onlyFor("excludeExternalLinks", r.excludeExternalLinks(), action, LINKS);
        onlyFor("formats", r.formats(), action, SNAPSHOT);
        onlyFor("prompt", r.prompt(), action, JSON);
        onlyFor("responseFormat", r.responseFormat(), action, JSON);
        onlyFor("customAi", r.customAi(), action, JSON);
    }

    ScreenshotOptions screenshotOptions() {
        if (action != SCREENSHOT && action != SNAPSHOT) {
            return null;
        }
        ScreenshotOptions so = r.screenshotOptions() == null ? new ScreenshotOptions(null, null, null, null)
                : r.screenshotOptions();
        String type = Checks.oneOf("screenshotOptions.type", so.type(), IMAGE_TYPES, "png");
        if (so.quality() != null && type.equals("png")) {
            throw invalid("screenshotOptions.quality", "screenshotOptions.quality is not supported for png");
        }
        Integer quality = Checks.rangeOrNull("screenshotOptions.quality", so.quality(), 0, 100);
        String encoding = Checks.oneOf("screenshotOptions.encoding", so.encoding(), Set.of("binary", "base64"), "binary");
        Clip clip = so.clip();
        if (clip != null) {
            if (flag(so.fullPage())) {
                throw invalid("screenshotOptions.clip", "screenshotOptions.clip and fullPage cannot be combined");
            }
            clip = new Clip(Checks.rangeD("screenshotOptions.clip.x", clip.x(), 0, 100_000, 0),
                    Checks.rangeD("screenshotOptions.clip.y", clip.y(), 0, 100_000, 0),
                    Checks.rangeD("screenshotOptions.clip.width", need("width", clip.width()), 1, 16_384, 1),
                    Checks.rangeD("screenshotOptions.clip.height", need("height", clip.height()), 1, 16_384, 1),
                    Checks.rangeD("screenshotOptions.clip.scale", clip.scale(), 0.1, 4, 1));
        }
        return new ScreenshotOptions(type, quality, flag(so.fullPage()), flag(so.omitBackground()), clip,
                so.captureBeyondViewport(), encoding, so.fromSurface(), so.optimizeForSpeed());
    }

    PdfOptions pdfOptions() {
        if (action != PDF) {
            return null;
        }
        PdfOptions po = r.pdfOptions() == null ? new PdfOptions(null, null, null) : r.pdfOptions();
        String format = po.format() == null ? "letter" : po.format().toLowerCase(Locale.ROOT);
        Checks.oneOf("pdfOptions.format", format, PAPER_FORMATS, null);
        Margin m = po.margin() == null ? null : new Margin(inches("pdfOptions.margin.top", po.margin().top()),
                inches("pdfOptions.margin.right", po.margin().right()),
                inches("pdfOptions.margin.bottom", po.margin().bottom()),
                inches("pdfOptions.margin.left", po.margin().left()));
        if (po.pageRanges() != null && !po.pageRanges().matches("\\s*(\\d+(\\s*-\\s*\\d*)?|-\\s*\\d+)(\\s*,\\s*(\\d+(\\s*-\\s*\\d*)?|-\\s*\\d+))*\\s*")) {
            throw invalid("pdfOptions.pageRanges", "pdfOptions.pageRanges must look like '1-5, 8, 11-13' (got '"
                    + po.pageRanges() + "')");
        }
        return new PdfOptions(format, flag(po.landscape()), flag(po.printBackground()), m,
                Checks.rangeD("pdfOptions.scale", po.scale(), 0.1, 2, 1), flag(po.displayHeaderFooter()),
                Checks.maxLength("pdfOptions.headerTemplate", po.headerTemplate(), 65_536),
                Checks.maxLength("pdfOptions.footerTemplate", po.footerTemplate(), 65_536), po.pageRanges(),
                flag(po.preferCSSPageSize()), inches("pdfOptions.width", po.width()),
                inches("pdfOptions.height", po.height()), flag(po.omitBackground()), flag(po.outline()),
                flag(po.tagged()), Checks.rangeOrNull("pdfOptions.timeout", po.timeout(), 1, QuickActionRequest.MAX_TIMEOUT_MS));
    }

    String selector() {
        if (r.selector() != null && r.selector().isBlank()) {
            throw invalid("selector", "selector must be a non-empty CSS selector");
        }
        return r.selector();
    }

    List<ScrapeElement> elements() {
        if (action != SCRAPE) {
            return null;
        }
        List<ScrapeElement> els = Checks.maxSize("elements", r.elements(), 50);
        if (els == null || els.isEmpty()) {
            throw invalid("elements", "scrape needs elements: [{\"selector\": \"...\"}, ...] (1 to 50)");
        }
        for (int i = 0; i < els.size(); i++) {
            if (els.get(i).selector() == null || els.get(i).selector().isBlank()) {
                throw invalid("elements[" + i + "].selector", "elements[" + i + "].selector must be a non-empty CSS selector");
            }
        }
        return els;
    }

    List<String> formats() {
        if (action != SNAPSHOT) {
            return null;
        }
        List<String> f = Checks.maxSize("formats", r.formats(), FORMATS.size());
        if (f == null) {
            return List.of("content", "screenshot");
        }
        for (int i = 0; i < f.size(); i++) {
            Checks.oneOf("formats[" + i + "]", f.get(i), FORMATS, null);
        }
        if (f.isEmpty()) {
            throw invalid("formats", "formats must name at least one of " + Checks.sorted(FORMATS));
        }
        return f;
    }

    String prompt() {
        if (action == JSON && r.prompt() == null && r.responseFormat() == null) {
            throw invalid("prompt", "json needs a prompt or a response_format (or both)");
        }
        return Checks.maxLength("prompt", r.prompt(), 100_000);
    }

    List<CustomAi> customAi() {
        List<CustomAi> c = Checks.maxSize("customAi", r.customAi(), 10);
        for (int i = 0; c != null && i < c.size(); i++) {
            if (c.get(i).model() == null || c.get(i).model().isBlank()) {
                throw invalid("custom_ai[" + i + "].model", "custom_ai[" + i + "].model must name a model");
            }
        }
        return c;
    }

    private static Double need(String name, Double v) {
        if (v == null) {
            throw invalid("screenshotOptions.clip." + name, "screenshotOptions.clip needs x, y, width and height");
        }
        return v;
    }

    /** A CSS length as inches, written "Xin" so that validating again keeps it. */
    static String inches(String field, Object value) {
        if (value == null) {
            return null;
        }
        double in;
        if (value instanceof Number n) {
            in = n.doubleValue() / 96;
        } else if (value instanceof String s) {
            String t = s.trim().toLowerCase(Locale.ROOT);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]*\\.?[0-9]+)\\s*(px|in|cm|mm)?").matcher(t);
            if (!m.matches()) {
                throw invalid(field, field + " must be a number (CSS pixels) or a length like '1cm', '0.5in', '10mm',"
                        + " '40px' (got '" + s + "')");
            }
            double v = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "px" : m.group(2);
            in = switch (unit) {
                case "in" -> v;
                case "cm" -> v / 2.54;
                case "mm" -> v / 25.4;
                default -> v / 96;
            };
        } else {
            throw invalid(field, field + " must be a number or a string");
        }
        if (in < 0 || in > 200) {
            throw invalid(field, field + " must be between 0 and 200 inches (got " + value + ")");
        }
        return in + "in";
    }
}
