package io.warmpool.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.agent.internal.CdpConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A later quick action on the same browser never sees what an earlier one left: each pair below runs a page that
 * stores something, then, on the same origin and the same browser (headless shell, spare pages on), a page that
 * looks for it and writes what it found into {@code #out}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuickIsolationTest {
    private static final String QUICK = "/instances/iso/quick/content";
    private static final Duration CDP_TIMEOUT = Duration.ofSeconds(10);
    /** Runs {@code script} (an expression giving a promise of a string) and shows its result in {@code #out}. */
    private static final String SHOW = "<!DOCTYPE html><html><body><script>Promise.resolve().then(() => %s)"
            + ".then(v => String(v), e => 'error: ' + e).then(v => { const o = document.createElement('p'); o.id = 'out';"
            + " o.textContent = v; document.body.appendChild(o); });</script></body></html>";

    @TempDir
    static Path dataDir;
    private TestPages pages;
    private Agent agent;
    private AgentClient client;
    private final AtomicInteger cachedHits = new AtomicInteger();
    private final List<String> cookieHeaders = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start() throws Exception {
        pages = new TestPages();
        pages.handle("/set-cookie", exchange -> {
            exchange.getResponseHeaders().add("Set-Cookie", "server=1; Max-Age=3600; Path=/");
            TestPages.respond(exchange, "text/html", show("(document.cookie = 'script=1; max-age=3600', document.cookie)"));
        });
        pages.handle("/read-cookie", exchange -> {
            cookieHeaders.add(String.valueOf(exchange.getRequestHeaders().getFirst("Cookie")));
            TestPages.respond(exchange, "text/html", show("document.cookie || 'none'"));
        });
        pages.handle("/cached.js", exchange -> {
            cachedHits.incrementAndGet();
            exchange.getResponseHeaders().add("Cache-Control", "public, max-age=3600");
            TestPages.respond(exchange, "text/javascript", "window.loaded = (window.loaded || 0) + 1;");
        });
        pages.handle("/sw.js", exchange -> TestPages.respond(exchange, "text/javascript", "self.addEventListener('fetch', () => {});"));
        pages.page("/download", show("(() => { const a = document.createElement('a');"
                + " a.href = URL.createObjectURL(new Blob(['secret'], {type: 'application/octet-stream'}));"
                + " a.download = 'isolation-secret.bin'; document.body.appendChild(a); a.click(); return 'clicked'; })()"));
        agent = Agent.start(AgentConfig.fromArgs("--agent-id", "iso", "--region", "weur", "--zone", "z1", "--port", "0",
                "--chromium", "/usr/bin/chromium", "--headless-shell", "/usr/bin/chromium-headless-shell",
                "--data-dir", dataDir.toString(), "--allow", "127.0.0.1/32"));
        client = new AgentClient(agent.url());
        client.start("iso");
    }

    @AfterAll
    void stop() {
        agent.close();
        client.close();
        pages.close();
        assertThat(Processes.await(Duration.ofSeconds(5), () -> Processes.mentioning(dataDir).isEmpty()))
                .as("no process left under %s", dataDir).isTrue();
    }

    @Test
    void theInstanceRunsTheHeadlessShellByDefault() {
        JsonNode listed = AgentClient.json(client.get("/instances"));
        long pid = listed.get(0).get("pid").asLong();

        assertThat(ProcessHandle.of(pid).flatMap(p -> p.info().command())).hasValueSatisfying(command ->
                assertThat(command).endsWith("chromium-headless-shell"));
    }

    @Test
    void cookiesDoNotCarryOver() {
        assertThat(run("/set-cookie")).contains("script=1").contains("server=1");

        assertThat(run("/read-cookie")).isEqualTo("none");
        assertThat(cookieHeaders).last().isEqualTo("null");
    }

    @Test
    void localStorageDoesNotCarryOver() {
        assertThat(run(page("/ls-write", "(localStorage.setItem('k', 'v'), localStorage.getItem('k'))"))).isEqualTo("v");

        assertThat(run(page("/ls-read", "localStorage.getItem('k') + ' ' + localStorage.length"))).isEqualTo("null 0");
    }

    @Test
    void sessionStorageDoesNotCarryOver() {
        assertThat(run(page("/ss-write", "(sessionStorage.setItem('k', 'v'), sessionStorage.getItem('k'))"))).isEqualTo("v");

        assertThat(run(page("/ss-read", "sessionStorage.getItem('k') + ' ' + sessionStorage.length"))).isEqualTo("null 0");
    }

    @Test
    void indexedDbDoesNotCarryOver() {
        assertThat(run(page("/idb-write", "new Promise((ok, fail) => { const r = indexedDB.open('secrets', 1);"
                + " r.onupgradeneeded = () => r.result.createObjectStore('s');"
                + " r.onsuccess = () => { const tx = r.result.transaction('s', 'readwrite'); tx.objectStore('s').put('v', 'k');"
                + " tx.oncomplete = () => ok('stored'); tx.onerror = () => fail(tx.error); }; r.onerror = () => fail(r.error); })")))
                .isEqualTo("stored");

        assertThat(run(page("/idb-read", "indexedDB.databases().then(dbs => 'databases: ' + dbs.map(d => d.name).join(','))")))
                .isEqualTo("databases: ");
    }

    @Test
    void cacheStorageDoesNotCarryOver() {
        assertThat(run(page("/cache-write", "caches.open('c').then(c => c.put('/x', new Response('y')))"
                + ".then(() => caches.keys()).then(k => k.join(','))"))).isEqualTo("c");

        assertThat(run(page("/cache-read", "caches.keys().then(k => 'caches: ' + k.join(','))"))).isEqualTo("caches: ");
    }

    @Test
    void serviceWorkersDoNotCarryOver() {
        assertThat(run(page("/sw-write", "navigator.serviceWorker.register('/sw.js')"
                + ".then(() => navigator.serviceWorker.ready).then(r => r.active ? 'active' : 'inactive')")))
                .isEqualTo("active");

        assertThat(run(page("/sw-read", "navigator.serviceWorker.getRegistrations().then(r => 'registrations: ' + r.length)")))
                .isEqualTo("registrations: 0");
    }

    @Test
    void theHttpCacheDoesNotCarryOver() {
        String twice = "<!DOCTYPE html><html><body><script src='/cached.js'></script><script>"
                + "fetch('/cached.js').then(r => r.text()).then(() => { const o = document.createElement('p'); o.id = 'out';"
                + " o.textContent = 'hits ' + window.loaded; document.body.appendChild(o); });</script></body></html>";
        pages.page("/cache-page", twice);
        int before = cachedHits.get();

        run("/cache-page");
        assertThat(cachedHits.get() - before).as("within one action the second load comes from its cache").isEqualTo(1);
        run("/cache-page");

        assertThat(cachedHits.get() - before).as("the next action fetches it again").isEqualTo(2);
    }

    @Test
    void permissionsDoNotCarryOver() throws Exception {
        String cdpUrl = AgentClient.json(client.get("/instances")).get(0).get("cdpUrl").asText();
        String origin = pages.url("");
        try (HttpClient http = HttpClient.newHttpClient();
             CdpConnection cdp = CdpConnection.open(http, URI.create(cdpUrl), AgentClient.JSON, CDP_TIMEOUT)) {
            // a grant in the browser's default context (what a session may leave behind)
            cdp.call("Browser.grantPermissions", Map.of("origin", origin, "permissions", List.of("geolocation",
                    "notifications")), null, CDP_TIMEOUT);
            assertThat(run(page("/perm-ask", "Notification.requestPermission()"))).isIn("default", "denied");

            assertThat(run(page("/perm-read", "Promise.all(['geolocation', 'notifications'].map(n =>"
                    + " navigator.permissions.query({name: n}).then(s => n + '=' + s.state))).then(a => a.join(' '))")))
                    .isEqualTo("geolocation=prompt notifications=prompt");
            cdp.call("Browser.resetPermissions", null, null, CDP_TIMEOUT);
        }
    }

    @Test
    void downloadsAreNeverKeptWhereALaterActionCouldFindThem() throws Exception {
        assertThat(run("/download")).isEqualTo("clicked");
        run(page("/after-download", "'next'")); // gives a download that was started time to land

        // the data dir holds every browser's profile and $HOME (and so ~/Downloads)
        try (Stream<Path> files = Files.walk(dataDir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("isolation-secret"));
        }
    }

    @Test
    void pagesAnActionOpenedAreGoneAndNotReachableByName() throws Exception {
        assertThat(run(page("/opener", "(window.open('/hello', 'leftover') ? 'opened' : 'blocked')"))).isIn("opened", "blocked");
        String cdpUrl = AgentClient.json(client.get("/instances")).get(0).get("cdpUrl").asText();
        try (HttpClient http = HttpClient.newHttpClient();
             CdpConnection cdp = CdpConnection.open(http, URI.create(cdpUrl), AgentClient.JSON, CDP_TIMEOUT)) {
            assertThat(Processes.await(Duration.ofSeconds(10), () -> {
                for (JsonNode t : cdp.call("Target.getTargets", null, null, CDP_TIMEOUT).path("targetInfos")) {
                    String url = t.path("url").asText();
                    if (url.contains("/hello") || url.contains("/opener")) {
                        return false;
                    }
                }
                return true;
            })).as("the action's pages are closed once it answered").isTrue();
        }

        assertThat(run(page("/find-window", "(() => { const w = window.open('', 'leftover');"
                + " const found = w && w.location.href !== 'about:blank'; if (w) w.close(); return 'found ' + found; })()")))
                .isEqualTo("found false");
    }

    private String page(String path, String script) {
        pages.page(path, show(script));
        return path;
    }

    private static String show(String script) {
        return SHOW.formatted(script);
    }

    /** Runs a content action on {@code path} and returns the text of its {@code #out}. */
    private String run(String path) {
        HttpResponse<byte[]> response = client.post(QUICK, "{\"url\":\"" + pages.url(path)
                + "\",\"waitForSelector\":{\"selector\":\"#out\",\"timeout\":10000}}");
        assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(200);
        String html = AgentClient.json(response).path("result").asText();
        int at = html.indexOf("<p id=\"out\">");
        assertThat(at).as("no #out in %s", html).isNotNegative();
        return html.substring(at + "<p id=\"out\">".length(), html.indexOf("</p>", at))
                .replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
    }
}
