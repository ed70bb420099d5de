package io.warmpool.quick;

import io.warmpool.quick.PageOptions.Cookie;
import io.warmpool.quick.PageOptions.Credentials;
import io.warmpool.quick.PageOptions.CustomAi;
import io.warmpool.quick.PageOptions.ScrapeElement;
import io.warmpool.quick.PageOptions.ScriptTag;
import io.warmpool.quick.PageOptions.StyleTag;

import java.util.List;
import java.util.Map;

import static io.warmpool.quick.Checks.invalid;
import static io.warmpool.quick.Checks.range;

/**
 * The body of a quick action, shaped like Cloudflare Browser Run's REST API (one flat body for every action, as
 * Cloudflare's is). Exactly one of {@code url} and {@code html}. Timeouts are in milliseconds. Use
 * {@link #validated(QuickAction, PageDefaults)} to check it and fill in a pool's defaults (Cloudflare's unless the pool
 * says otherwise: viewport 1920x1080, waitUntil domcontentloaded, goto timeout 30 s, at most 60 s); agents receive
 * only validated requests, and validating again (within {@link PageDefaults#AGENT}'s bounds) changes nothing. Field groups are checked by {@link PageSetupChecks} and {@link CaptureChecks}.
 */
public record QuickActionRequest(String url, String html, Viewport viewport, GotoOptions gotoOptions,
                                 WaitForSelector waitForSelector, ScreenshotOptions screenshotOptions,
                                 PdfOptions pdfOptions, Integer waitForTimeout, String userAgent,
                                 Map<String, String> setExtraHTTPHeaders, List<Cookie> cookies,
                                 Credentials authenticate, String emulateMediaType, Boolean setJavaScriptEnabled,
                                 List<ScriptTag> addScriptTag, List<StyleTag> addStyleTag,
                                 List<String> rejectResourceTypes, List<String> rejectRequestPattern,
                                 List<String> allowResourceTypes, List<String> allowRequestPattern,
                                 Boolean bestAttempt, Integer actionTimeout, String selector, Boolean scrollPage,
                                 List<ScrapeElement> elements, Boolean visibleLinksOnly, Boolean excludeExternalLinks,
                                 List<String> formats, String prompt, Map<String, Object> responseFormat,
                                 List<CustomAi> customAi) {

    public static final int MAX_TIMEOUT_MS = 60_000;
    public static final int DEFAULT_TIMEOUT_MS = 30_000;
    /** Slack for capture and setup on top of the page's own timeouts. */
    public static final int CAPTURE_SLACK_MS = 10_000;

    /** The fields of the first versions of this API; every other field is absent. */
    public QuickActionRequest(String url, String html, Viewport viewport, GotoOptions gotoOptions,
                              WaitForSelector waitForSelector, ScreenshotOptions screenshotOptions, PdfOptions pdfOptions) {
        this(url, html, viewport, gotoOptions, waitForSelector, screenshotOptions, pdfOptions, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null);
    }

    /** CSS pixels; {@code isLandscape} turns the emulated screen, {@code isMobile} sets a mobile meta viewport. */
    public record Viewport(Integer width, Integer height, Double deviceScaleFactor, Boolean isMobile, Boolean hasTouch,
                           Boolean isLandscape) {
        /** Cloudflare's default: 1920x1080 at scale 1, desktop. */
        public static final Viewport DEFAULT = new Viewport(1920, 1080, 1.0, false, false, false);

        public Viewport(Integer width, Integer height, Double deviceScaleFactor) {
            this(width, height, deviceScaleFactor, null, null, null);
        }

        /** Whether anything beyond size and scale is emulated. */
        public boolean device() {
            return Checks.flag(isMobile) || Checks.flag(hasTouch) || Checks.flag(isLandscape);
        }
    }

    /**
     * @param waitUntil one of load, domcontentloaded, networkidle0, networkidle2 (the gateway reduces a list to the
     *                  one that comes last)
     */
    public record GotoOptions(String waitUntil, Integer timeout, String referer, String referrerPolicy) {
        public GotoOptions(String waitUntil, Integer timeout) {
            this(waitUntil, timeout, null, null);
        }
    }

    public record WaitForSelector(String selector, Integer timeout, Boolean visible, Boolean hidden) {
        public WaitForSelector(String selector, Integer timeout, Boolean visible) {
            this(selector, timeout, visible, null);
        }
    }

    /**
     * @param type     png, jpeg or webp; {@code quality} 0..100 only for jpeg and webp
     * @param encoding binary (default: the image's bytes) or base64 (its base64 text, {@code text/plain}); a
     *                 snapshot's screenshot is base64 in its JSON either way
     */
    public record ScreenshotOptions(String type, Integer quality, Boolean fullPage, Boolean omitBackground,
                                    PageOptions.Clip clip, Boolean captureBeyondViewport, String encoding,
                                    Boolean fromSurface, Boolean optimizeForSpeed) {
        public ScreenshotOptions(String type, Integer quality, Boolean fullPage, Boolean omitBackground) {
            this(type, quality, fullPage, omitBackground, null, null, null, null, null);
        }
    }

    /**
     * @param format a paper size name (letter, a4, ...), case-insensitive; {@code width}/{@code height} override it
     *               (numbers are CSS pixels, strings may end in px, in, cm or mm; validated into inches, "8.5in")
     * @param scale  0.1..2
     */
    public record PdfOptions(String format, Boolean landscape, Boolean printBackground, PageOptions.Margin margin,
                             Double scale, Boolean displayHeaderFooter, String headerTemplate, String footerTemplate,
                             String pageRanges, Boolean preferCSSPageSize, Object width, Object height,
                             Boolean omitBackground, Boolean outline, Boolean tagged, Integer timeout) {
        public PdfOptions(String format, Boolean landscape, Boolean printBackground) {
            this(format, landscape, printBackground, null, null, null, null, null, null, null, null, null, null, null,
                    null, null);
        }
    }

    /** Checks every field for {@code action} against Cloudflare's bounds and fills in Cloudflare's defaults. */
    public QuickActionRequest validated(QuickAction action) {
        return validated(action, PageDefaults.CLOUDFLARE);
    }

    /** Checks every field for {@code action} against {@code pool}'s bounds and returns a copy with its defaults filled in. */
    public QuickActionRequest validated(QuickAction action, PageDefaults pool) {
        if ((url != null) == (html != null)) {
            throw invalid("url", "exactly one of 'url' and 'html' must be given");
        }
        if (url != null) {
            Checks.checkHttpUrl("url", url);
        }
        Viewport vp = viewport == null ? new Viewport(null, null, null) : viewport;
        Viewport v = new Viewport(
                range("viewport.width", vp.width(), 1, PageDefaults.MAX_VIEWPORT, pool.viewportWidth()),
                range("viewport.height", vp.height(), 1, PageDefaults.MAX_VIEWPORT, pool.viewportHeight()),
                Checks.rangeD("viewport.deviceScaleFactor", vp.deviceScaleFactor(), 0.1, 4.0, 1.0),
                Checks.flag(vp.isMobile()), Checks.flag(vp.hasTouch()), Checks.flag(vp.isLandscape()));
        GotoOptions go = gotoOptions == null ? new GotoOptions(null, null) : gotoOptions;
        if (go.referer() != null) {
            Checks.checkHttpUrl("gotoOptions.referer", go.referer());
        }
        int maxWait = pool.maxGotoTimeoutMillis();
        GotoOptions g = new GotoOptions(Checks.oneOf("gotoOptions.waitUntil", go.waitUntil(), PageDefaults.WAIT_UNTIL,
                pool.waitUntil()), range("gotoOptions.timeout", go.timeout(), 1, maxWait, pool.gotoTimeoutMillis()),
                go.referer(), Checks.maxLength("gotoOptions.referrerPolicy", go.referrerPolicy(), 64));
        WaitForSelector w = null;
        if (waitForSelector != null) {
            if (waitForSelector.selector() == null || waitForSelector.selector().isBlank()) {
                throw invalid("waitForSelector.selector", "waitForSelector.selector must be a non-empty CSS selector");
            }
            if (Checks.flag(waitForSelector.visible()) && Checks.flag(waitForSelector.hidden())) {
                throw invalid("waitForSelector.hidden", "waitForSelector cannot be both visible and hidden");
            }
            w = new WaitForSelector(waitForSelector.selector(),
                    range("waitForSelector.timeout", waitForSelector.timeout(), 1, maxWait, pool.gotoTimeoutMillis()),
                    Checks.flag(waitForSelector.visible()), Checks.flag(waitForSelector.hidden()));
        }
        PageSetupChecks setup = new PageSetupChecks(this);
        CaptureChecks capture = new CaptureChecks(this, action);
        return new QuickActionRequest(url, html, v, g, w, capture.screenshotOptions(), capture.pdfOptions(),
                Checks.rangeOrNull("waitForTimeout", waitForTimeout, 0, maxWait),
                Checks.maxLength("userAgent", userAgent, 1024), setup.headers(), setup.cookies(), setup.credentials(),
                setup.mediaType(), setJavaScriptEnabled, setup.scripts(), setup.styles(),
                setup.resourceTypes("rejectResourceTypes", rejectResourceTypes),
                setup.patterns("rejectRequestPattern", rejectRequestPattern),
                setup.resourceTypes("allowResourceTypes", allowResourceTypes),
                setup.patterns("allowRequestPattern", allowRequestPattern), bestAttempt,
                range("actionTimeout", actionTimeout, 1, pool.maxActionTimeoutMillis(), pool.actionTimeoutMillis()),
                capture.selector(), scrollPage,
                capture.elements(), visibleLinksOnly, excludeExternalLinks, capture.formats(), capture.prompt(),
                responseFormat, capture.customAi());
    }

    /** Whether timeouts of navigation and selector waits are tolerated (the page is captured as it is). */
    public boolean tolerant() {
        return Checks.flag(bestAttempt);
    }

    /** Total time the action may take at the agent: navigation, selector wait, extra wait, capture and slack. */
    public int budgetMillis() {
        int nav = gotoOptions == null || gotoOptions.timeout() == null ? DEFAULT_TIMEOUT_MS : gotoOptions.timeout();
        int sel = waitForSelector == null || waitForSelector.timeout() == null ? 0 : waitForSelector.timeout();
        int extra = waitForTimeout == null ? 0 : waitForTimeout;
        int capture = actionTimeout == null ? 0 : actionTimeout;
        return nav + sel + extra + capture + CAPTURE_SLACK_MS;
    }
}
