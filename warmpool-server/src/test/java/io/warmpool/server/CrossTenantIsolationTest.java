package io.warmpool.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.warmpool.core.PoolSettings;
import io.warmpool.server.config.AuthSettings;
import io.warmpool.server.config.RegionConfig;
import io.warmpool.server.http.KeyHash;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.warmpool.server.TestGateway.await;
import static io.warmpool.server.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Quick actions of two tenants, through the gateway, on one warm browser (a pool of one headless shell): what the
 * first tenant's page leaves in its browser context (cookies, localStorage, sessionStorage, IndexedDB, Cache
 * Storage, a service worker, the HTTP cache, an open window) is not there for the next tenant's page on the same
 * origin, nor for the first tenant's own next action. The agent's tests check each kind on its own
 * ({@code QuickIsolationTest}); this checks that the gateway's path (claim, dispatch, release, the spare page made
 * after each action) keeps them apart too.
 */
class CrossTenantIsolationTest {
    private static final String ACME = "Bearer acme-iso-key";
    private static final String GLOBEX = "Bearer globex-iso-key";
    /** Leaves one of everything behind, then shows "written". */
    private static final String WRITE = "document.cookie = 'script=1; max-age=3600';"
            + " localStorage.setItem('k', 'v'); sessionStorage.setItem('k', 'v'); window.open('/sw.js', 'leftover');"
            + " Promise.all([new Promise((ok, fail) => { const r = indexedDB.open('secrets', 1);"
            + " r.onupgradeneeded = () => r.result.createObjectStore('s'); r.onsuccess = () => ok(); r.onerror = fail; }),"
            + " caches.open('c').then(c => c.put('/x', new Response('y'))),"
            + " navigator.serviceWorker.register('/sw.js').then(() => navigator.serviceWorker.ready)])"
            + ".then(() => show('written'), e => show('error: ' + e));";
    /** Shows what it finds of all that. */
    private static final String READ = "Promise.all([indexedDB.databases(), caches.keys(),"
            + " navigator.serviceWorker.getRegistrations()]).then(([dbs, keys, regs]) => show('cookie=' + document.cookie"
            + " + ' ls=' + localStorage.length + ' ss=' + sessionStorage.length + ' idb=' + dbs.length"
            + " + ' caches=' + keys.length + ' sw=' + regs.length + ' cached=' + window.loaded"
            + " + ' window=' + (() => { const w = window.open('', 'leftover'); const found = !!w"
            + " && w.location.href !== 'about:blank'; if (w) w.close(); return found; })()), e => show('error: ' + e));";
    private static final String NOTHING = "cookie= ls=0 ss=0 idb=0 caches=0 sw=0 cached=1 window=false";

    @TempDir
    static Path dir;
    static TestGateway gw;
    static HttpServer pages;
    static final AtomicInteger cachedFetches = new AtomicInteger();

    @BeforeAll
    static void start() throws IOException {
        pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pages.createContext("/write", ex -> {
            ex.getResponseHeaders().add("Set-Cookie", "server=1; Max-Age=3600; Path=/");
            respond(ex, "text/html", page(WRITE));
        });
        pages.createContext("/read", ex -> respond(ex, "text/html", page(READ)));
        pages.createContext("/sw.js", ex -> respond(ex, "text/javascript", "self.addEventListener('fetch', () => {});"));
        pages.createContext("/cached.js", ex -> {
            cachedFetches.incrementAndGet();
            ex.getResponseHeaders().add("Cache-Control", "public, max-age=3600");
            respond(ex, "text/javascript", "window.loaded = (window.loaded || 0) + 1;");
        });
        pages.start();
        AuthSettings auth = new AuthSettings(false, Map.of(
                "acme", new AuthSettings.Tenant("acme", List.of(KeyHash.of("acme-iso-key")), AuthSettings.Limits.DEFAULT),
                "globex", new AuthSettings.Tenant("globex", List.of(KeyHash.of("globex-iso-key")),
                        AuthSettings.Limits.DEFAULT)), AuthSettings.Limits.DEFAULT);
        gw = new TestGateway(dir, PoolSettings.builder("browser").minIdle(1).maxSize(1).build(),
                c -> c.withRegions(Map.of("weur", new RegionConfig("weur", List.of(), List.of("weur-a"))), "weur")
                        .withAuth(auth, "127.0.0.1"));
        assertThat(await(Duration.ofSeconds(60), () -> gw.pool("weur", "Authorization", ACME).get("warm").asInt() >= 1))
                .isTrue();
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
        if (pages != null) {
            pages.stop(0);
        }
    }

    @Test
    void nothingOneTenantLeftInTheBrowserReachesTheNextTenantOrItsOwnNextAction() {
        Result written = run(ACME, "/write");
        assertThat(written.out()).isEqualTo("written");
        int fetchesBefore = cachedFetches.get();

        Result other = run(GLOBEX, "/read");
        Result same = run(ACME, "/read");

        assertThat(other.instance()).as("both tenants were served by the one browser").isEqualTo(written.instance());
        assertThat(same.instance()).isEqualTo(written.instance());
        assertThat(other.out()).as("globex after acme").isEqualTo(NOTHING);
        assertThat(same.out()).as("acme's own next action").isEqualTo(NOTHING);
        assertThat(cachedFetches.get() - fetchesBefore).as("each reading action fetched the cached script itself")
                .isEqualTo(2);
    }

    private record Result(String instance, String out) {
    }

    /** A content action on {@code path} as {@code key}'s tenant: the instance that ran it and the text of #out. */
    private static Result run(String key, String path) {
        String url = "http://127.0.0.1:" + pages.getAddress().getPort() + path;
        HttpResponse<byte[]> r = gw.send("POST", "/v1/quick/content", "{\"url\":\"" + url
                + "\",\"waitForSelector\":{\"selector\":\"#out\",\"timeout\":10000}}", "Authorization", key);
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        String html = json(r).path("result").asText();
        int at = html.indexOf("<p id=\"out\">");
        assertThat(at).as("no #out in %s", html).isNotNegative();
        return new Result(r.headers().firstValue("X-Warmpool-Instance").orElseThrow(),
                html.substring(at + "<p id=\"out\">".length(), html.indexOf("</p>", at)));
    }

    private static String page(String script) {
        return "<!DOCTYPE html><html><body><script src='/cached.js'></script><script>function show(v) {"
                + " const o = document.createElement('p'); o.id = 'out'; o.textContent = v;"
                + " document.body.appendChild(o); } " + script + "</script></body></html>";
    }

    private static void respond(HttpExchange ex, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type + "; charset=utf-8");
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }
}
