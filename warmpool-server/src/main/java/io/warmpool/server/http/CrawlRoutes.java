package io.warmpool.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.warmpool.ActionFailedException;
import io.warmpool.InvalidRequestException;
import io.warmpool.SessionNotFoundException;
import io.warmpool.quick.QuickAction;
import io.warmpool.server.crawl.CrawlRequest;
import io.warmpool.server.crawl.CrawlStore;
import io.warmpool.server.crawl.Crawler;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cloudflare's crawl jobs ({@code POST crawl}, {@code GET crawl/{id}?cursor=&limit=}, {@code DELETE crawl/{id}})
 * under each of {@link CloudflareRoutes#roots()} and at {@code /v1/crawl}. The body is the crawl's own fields plus
 * the shared page fields, which every page's quick actions take. Each page is a {@code snapshot} (for its html and/or
 * markdown) and a {@code links} action, run like any quick action of the tenant. Stateless; jobs live in the
 * {@link CrawlStore}.
 */
final class CrawlRoutes implements Crawler.Pages {
    private static final Set<String> CRAWL_FIELDS = Set.of("url", "limit", "depth", "source", "formats", "render",
            "options", "maxAge", "modifiedSince", "crawlPurposes", "contentUse");
    private static final Set<String> OPTIONS = Set.of("includePatterns", "excludePatterns", "includeExternalLinks",
            "includeSubdomains");

    private final Access access;
    private final QuickRoutes quick;
    private final CrawlStore store;
    private Crawler crawler;

    CrawlRoutes(Access access, QuickRoutes quick, CrawlStore store) {
        this.access = access;
        this.quick = quick;
        this.store = store;
    }

    void register(RoutesConfig app, Crawler crawler) {
        this.crawler = crawler;
        List<String> roots = new ArrayList<>(CloudflareRoutes.roots());
        roots.add("/v1");
        for (String root : roots) {
            app.post(root + "/crawl", this::start);
            app.get(root + "/crawl/{job}", this::show);
            app.delete(root + "/crawl/{job}", this::cancel);
        }
    }

    private void start(Context ctx) {
        ctx.header(QuickRoutes.BROWSER_MS, "0"); // as on every Cloudflare answer; a job's time is in its GET
        Access.Tenant tenant = access.tenant(ctx);
        JsonNode tree = Json.read(ctx.bodyAsBytes(), JsonNode.class);
        if (!(tree instanceof ObjectNode body)) {
            throw new InvalidRequestException("malformed_json", null, "request body must be a JSON object");
        }
        CrawlRequest request = request(body);
        ObjectNode template = body.deepCopy();
        CRAWL_FIELDS.forEach(template::remove);
        ObjectNode probe = template.deepCopy().put("url", request.url());
        quick.validatedForDefaultPool(QuickAction.SNAPSHOT, probe); // the page fields are checked once, up front
        String id = crawler.start(tenant.name(), request, template);
        ctx.json(envelope(JsonNodeFactory.instance.textNode(id)));
    }

    private static CrawlRequest request(ObjectNode body) {
        String source = text(body, "source", "links");
        if (!source.equals("links") && !source.equals("all")) {
            throw new InvalidRequestException("invalid_field", "source", "source may be 'links' or 'all' (sitemaps are"
                    + " not read; got '" + source + "')");
        }
        if (body.has("render") && !body.get("render").asBoolean(true)) {
            throw new InvalidRequestException("invalid_field", "render", "render must be true: pages are always"
                    + " rendered in a browser");
        }
        JsonNode options = body.path("options");
        if (!options.isMissingNode() && !options.isObject()) {
            throw new InvalidRequestException("invalid_field", "options", "options must be an object");
        }
        options.fieldNames().forEachRemaining(f -> {
            if (!OPTIONS.contains(f)) {
                throw new InvalidRequestException("unknown_field", "options." + f, "unknown field 'options." + f + "'");
            }
        });
        return new CrawlRequest(text(body, "url", null), integer(body, "limit", 10), integer(body, "depth", 2),
                strings(body.path("formats"), "formats", List.of("markdown")),
                strings(options.path("includePatterns"), "options.includePatterns", List.of()),
                strings(options.path("excludePatterns"), "options.excludePatterns", List.of()),
                options.path("includeExternalLinks").asBoolean(false), options.path("includeSubdomains").asBoolean(false));
    }

    private void show(Context ctx) {
        CrawlStore.Job job = own(ctx);
        long after = 0;
        if (ctx.queryParam("cursor") != null && !ctx.queryParam("cursor").isEmpty()) {
            after = number(ctx.queryParam("cursor"), "cursor", 0, Long.MAX_VALUE);
        }
        int limit = ctx.queryParam("limit") == null ? 50 : (int) number(ctx.queryParam("limit"), "limit", 1, 500);
        List<CrawlStore.Entry> entries = store.page(job.id(), after, limit);
        ArrayNode records = JsonNodeFactory.instance.arrayNode();
        for (CrawlStore.Entry e : entries) {
            records.add(e.body() != null ? parse(e.body())
                    : JsonNodeFactory.instance.objectNode().put("url", e.url()).put("status", e.status()));
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode().put("id", job.id()).put("status", job.status())
                .put("browserSecondsUsed", job.browserMs() / 1000.0).put("total", store.count(job.id(), null))
                .put("finished", store.count(job.id(), "completed") + store.count(job.id(), "errored"))
                .put("skipped", store.count(job.id(), "skipped"));
        result.set("records", records);
        if (entries.size() == limit) {
            result.put("cursor", Long.toString(entries.get(entries.size() - 1).seq()));
        }
        ctx.header(QuickRoutes.BROWSER_MS, Long.toString(job.browserMs()));
        ctx.json(envelope(result));
    }

    private void cancel(Context ctx) {
        ctx.header(QuickRoutes.BROWSER_MS, "0");
        CrawlStore.Job job = own(ctx);
        boolean stopped = crawler.cancel(job.id());
        ctx.json(envelope(JsonNodeFactory.instance.objectNode().put("job_id", job.id())
                .put("message", stopped ? "crawl job cancelled" : "crawl job had already ended (" + job.status() + ")")));
    }

    private CrawlStore.Job own(Context ctx) {
        Access.Tenant tenant = access.tenant(ctx);
        return store.job(ctx.pathParam("job")).filter(j -> j.tenant().equals(tenant.name()))
                .orElseThrow(() -> new SessionNotFoundException("crawl job " + ctx.pathParam("job")));
    }

    @Override
    public Page render(String tenantName, ObjectNode template, String url, List<String> formats) {
        Access.Tenant tenant = access.named(tenantName);
        access.takeQuick(tenant);
        ObjectNode snapshot = template.deepCopy().put("url", url);
        ArrayNode f = snapshot.putArray("formats");
        formats.forEach(x -> f.add(x.equals("html") ? "content" : x));
        QuickAnswer page = checked(quick.runFor(tenant, QuickAction.SNAPSHOT, snapshot));
        QuickAnswer links = checked(quick.runFor(tenant, QuickAction.LINKS, template.deepCopy().put("url", url)));
        Map<String, String> result = new LinkedHashMap<>();
        JsonNode r = parse(page.body()).path("result");
        if (r.has("content")) {
            result.put("html", r.get("content").asText());
        }
        if (r.has("markdown")) {
            result.put("markdown", r.get("markdown").asText());
        }
        List<String> found = new ArrayList<>();
        parse(links.body()).path("result").forEach(l -> found.add(l.asText()));
        long ms = ms(page) + ms(links);
        return new Page(result, found, ms);
    }

    private static long ms(QuickAnswer a) {
        try {
            return Long.parseLong(a.headers().getOrDefault(QuickRoutes.BROWSER_MS, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static QuickAnswer checked(QuickAnswer a) {
        if (!a.ok()) {
            JsonNode error = parse(a.body()).path("errors").path(0);
            throw new ActionFailedException(error.path("code").asText("action_failed"), a.status(),
                    error.path("message").asText("the page failed with HTTP " + a.status()));
        }
        return a;
    }

    private static ObjectNode envelope(JsonNode result) {
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("success", true);
        out.putArray("errors");
        out.putArray("messages");
        out.set("result", result);
        return out;
    }

    private static JsonNode parse(byte[] body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return JsonNodeFactory.instance.objectNode();
        }
    }

    private static JsonNode parse(String body) {
        return parse(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String text(JsonNode body, String field, String dflt) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isTextual()) {
            throw new InvalidRequestException("invalid_field", field, field + " must be a string");
        }
        return v.asText();
    }

    private static int integer(JsonNode body, String field, int dflt) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new InvalidRequestException("invalid_field", field, field + " must be a whole number");
        }
        return v.asInt();
    }

    private static List<String> strings(JsonNode v, String field, List<String> dflt) {
        if (v.isMissingNode() || v.isNull()) {
            return dflt;
        }
        if (!v.isArray() || v.size() > 100) {
            throw new InvalidRequestException("invalid_field", field, field + " must be a list of at most 100 strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : v) {
            if (!s.isTextual()) {
                throw new InvalidRequestException("invalid_field", field, field + " must be a list of strings");
            }
            out.add(s.asText());
        }
        return out;
    }

    private static long number(String text, String field, long min, long max) {
        try {
            long n = Long.parseLong(text.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the error below names the field
        }
        throw new InvalidRequestException("invalid_field", field, field + " must be a whole number between " + min
                + " and " + max + " (got '" + text + "')");
    }
}
