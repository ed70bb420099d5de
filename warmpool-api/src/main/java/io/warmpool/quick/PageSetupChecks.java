package io.warmpool.quick;

import io.warmpool.quick.PageOptions.Cookie;
import io.warmpool.quick.PageOptions.Credentials;
import io.warmpool.quick.PageOptions.ScriptTag;
import io.warmpool.quick.PageOptions.StyleTag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.warmpool.quick.Checks.invalid;

/** Checks the page-setup fields shared by every action (headers, cookies, scripts, request filters, ...). */
final class PageSetupChecks {
    /** Cloudflare's (Puppeteer's) resource type names; the agent compares them with CDP's, lower-cased. */
    static final Set<String> RESOURCE_TYPES = Set.of("document", "stylesheet", "image", "media", "font", "script",
            "texttrack", "xhr", "fetch", "prefetch", "eventsource", "websocket", "manifest", "signedexchange", "ping",
            "cspviolationreport", "preflight", "other");
    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    private static final int MAX_ENTRIES = 100;

    private final QuickActionRequest r;

    PageSetupChecks(QuickActionRequest request) {
        this.r = request;
    }

    Map<String, String> headers() {
        if (r.setExtraHTTPHeaders() == null) {
            return null;
        }
        if (r.setExtraHTTPHeaders().size() > MAX_ENTRIES) {
            throw invalid("setExtraHTTPHeaders", "setExtraHTTPHeaders may have at most " + MAX_ENTRIES + " headers");
        }
        Map<String, String> out = new LinkedHashMap<>();
        r.setExtraHTTPHeaders().forEach((name, value) -> {
            String field = "setExtraHTTPHeaders." + name;
            if (!name.matches(TOKEN)) {
                throw invalid(field, "'" + name + "' is not a valid HTTP header name");
            }
            if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.length() > 8192) {
                throw invalid(field, field + " must be a string of at most 8192 characters without line breaks");
            }
            out.put(name, value);
        });
        return out;
    }

    List<Cookie> cookies() {
        List<Cookie> in = Checks.maxSize("cookies", r.cookies(), MAX_ENTRIES);
        if (in == null) {
            return null;
        }
        List<Cookie> out = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            Cookie c = in.get(i);
            String f = "cookies[" + i + "]";
            if (c.name() == null || c.name().isEmpty() || c.value() == null) {
                throw invalid(f + ".name", f + " needs a non-empty name and a value");
            }
            Checks.oneOf(f + ".sameSite", c.sameSite(), Set.of("Strict", "Lax", "None"), null);
            Checks.oneOf(f + ".priority", c.priority(), Set.of("Low", "Medium", "High"), null);
            Checks.oneOf(f + ".sourceScheme", c.sourceScheme(), Set.of("Unset", "NonSecure", "Secure"), null);
            String url = c.url();
            if (url != null) {
                Checks.checkHttpUrl(f + ".url", url);
            } else if (c.domain() == null) {
                if (r.url() == null) {
                    throw invalid(f + ".url", f + " needs a url or a domain when the page is given as html");
                }
                url = r.url(); // Puppeteer's page.setCookie does the same: the page's own URL
            }
            out.add(new Cookie(c.name(), c.value(), url, c.domain(), c.path(), c.secure(), c.httpOnly(), c.sameSite(),
                    c.expires(), c.priority(), c.sameParty(), c.sourceScheme(), c.sourcePort(), c.partitionKey()));
        }
        return out;
    }

    Credentials credentials() {
        Credentials c = r.authenticate();
        if (c != null && (c.username() == null || c.password() == null)) {
            throw invalid("authenticate", "authenticate needs a username and a password");
        }
        return c;
    }

    String mediaType() {
        return Checks.oneOf("emulateMediaType", r.emulateMediaType(), Set.of("", "screen", "print"), null);
    }

    List<ScriptTag> scripts() {
        List<ScriptTag> tags = Checks.maxSize("addScriptTag", r.addScriptTag(), 20);
        for (int i = 0; tags != null && i < tags.size(); i++) {
            exactlyOne("addScriptTag[" + i + "]", tags.get(i).content(), tags.get(i).url());
        }
        return tags;
    }

    List<StyleTag> styles() {
        List<StyleTag> tags = Checks.maxSize("addStyleTag", r.addStyleTag(), 20);
        for (int i = 0; tags != null && i < tags.size(); i++) {
            exactlyOne("addStyleTag[" + i + "]", tags.get(i).content(), tags.get(i).url());
        }
        return tags;
    }

    List<String> resourceTypes(String field, List<String> types) {
        List<String> in = Checks.maxSize(field, types, RESOURCE_TYPES.size());
        for (int i = 0; in != null && i < in.size(); i++) {
            Checks.oneOf(field + "[" + i + "]", in.get(i), RESOURCE_TYPES, null);
        }
        return in;
    }

    List<String> patterns(String field, List<String> patterns) {
        List<String> in = Checks.maxSize(field, patterns, MAX_ENTRIES);
        for (int i = 0; in != null && i < in.size(); i++) {
            RequestPattern.compile(field + "[" + i + "]", in.get(i));
        }
        return in;
    }

    private static void exactlyOne(String field, String content, String url) {
        if ((content == null) == (url == null)) {
            throw invalid(field, field + " needs exactly one of 'content' and 'url'");
        }
        if (url != null) {
            Checks.checkHttpUrl(field + ".url", url);
        }
    }
}
