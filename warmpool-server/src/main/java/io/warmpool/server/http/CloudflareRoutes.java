package io.warmpool.server.http;

import io.javalin.config.RoutesConfig;

import java.util.List;

/**
 * Cloudflare Browser Run's REST paths, served by the same implementation as our {@code /v1/…}: under both base URLs
 * (none and {@code /client/v4}, the SDK's default) and both names ({@code browser-rendering} and the newer
 * {@code browser-run}). {@code {account}} is any value; the caller is known by its API key, as everywhere.
 */
final class CloudflareRoutes {
    static final List<String> BASES = List.of("", "/client/v4");
    static final List<String> NAMES = List.of("browser-rendering", "browser-run");

    private final QuickRoutes quick;

    CloudflareRoutes(QuickRoutes quick) {
        this.quick = quick;
    }

    /** Every prefix {@code …/accounts/{account}/<name>} that Cloudflare's paths hang off. */
    static List<String> roots() {
        return BASES.stream().flatMap(b -> NAMES.stream().map(n -> b + "/accounts/{account}/" + n)).toList();
    }

    void register(RoutesConfig app) {
        for (String root : roots()) {
            // every Cloudflare answer carries the browser time it used: none, unless a quick action or crawl says more
            app.before(root + "/*", ctx -> ctx.header(QuickRoutes.BROWSER_MS, "0"));
        }
        for (String root : roots()) {
            app.post(root + "/{action}", ctx -> quick.run(ctx, ctx.pathParam("action"), QuickRoutes.Paths.CLOUDFLARE));
        }
    }
}
