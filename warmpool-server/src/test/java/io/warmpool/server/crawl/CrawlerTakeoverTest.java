package io.warmpool.server.crawl;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static io.warmpool.testkit.PooledHttpServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two crawlers (two gateways' worth) on one real PostgreSQL store, rendering a chain of pages through a stand-in for
 * the browser that notices when one page is rendered twice at once: a job runs on one of them at a time, the other
 * takes it over when its owner dies (lease runs out) or stops (lease released), and a cancel through either stops it.
 */
class CrawlerTakeoverTest {
    private static final String SITE = "http://site.test/p";
    private final String prefix = "wp_ct" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL) + "_";
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final ChainPages pages = new ChainPages();

    /** Pages {@code p0 → p1 → …}, each rendered in {@code RENDER}; counts renders and renders of one page at once. */
    static final class ChainPages implements Crawler.Pages {
        static final Duration RENDER = Duration.ofMillis(40);
        final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> renders = new ConcurrentHashMap<>();
        final AtomicInteger total = new AtomicInteger();
        final AtomicInteger atOnce = new AtomicInteger();

        @Override
        public Page render(String tenant, com.fasterxml.jackson.databind.node.ObjectNode template, String url,
                           List<String> formats) {
            AtomicInteger now = inFlight.computeIfAbsent(url, u -> new AtomicInteger());
            if (now.incrementAndGet() > 1) {
                atOnce.incrementAndGet();
            }
            renders.computeIfAbsent(url, u -> new AtomicInteger()).incrementAndGet();
            total.incrementAndGet();
            try {
                Thread.sleep(RENDER); // the page's load time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new io.warmpool.ActionFailedException("interrupted", 502, "interrupted");
            } finally {
                now.decrementAndGet();
            }
            int n = Integer.parseInt(url.substring(SITE.length()));
            return new Page(Map.of("markdown", "# page " + n), List.of(SITE + (n + 1)), 1);
        }
    }

    private CrawlStore store() {
        CrawlStore s = CrawlStore.postgres(CrawlStoreLeaseTest.PG, prefix);
        opened.add(s);
        return s;
    }

    private Crawler crawler(CrawlStore store, Duration term) {
        Crawler c = new Crawler(store, pages, Clock.systemUTC(), new CrawlLeases.Settings(term, false));
        opened.add(0, c); // closed before the stores
        c.resume();
        return c;
    }

    private static CrawlRequest chain(int limit) {
        return new CrawlRequest(SITE + 0, limit, CrawlRequest.MAX_DEPTH, List.of("markdown"), List.of(), List.of(),
                false, false);
    }

    @AfterEach
    void closeAndDrop() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        try (Connection c = DriverManager.getConnection(CrawlStoreLeaseTest.PG); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + prefix + "crawl_jobs");
            st.execute("DROP TABLE IF EXISTS " + prefix + "crawl_records");
        }
    }

    @Test
    @Timeout(120)
    void aJobWhoseOwnerDiesIsTakenOverOnceItsLeaseRunsOutAndNoPageIsRenderedByTwoAtOnce() {
        CrawlStore storeA = store();
        CrawlStore storeB = store();
        Crawler a = crawler(storeA, Duration.ofMillis(600));
        Crawler b = crawler(storeB, Duration.ofMillis(600));
        String id = a.start("t", chain(10), JsonNodeFactory.instance.objectNode());
        assertThat(await(Duration.ofSeconds(30), () -> storeB.count(id, "completed") >= 3)).isTrue();
        assertThat(b.running()).as("the job runs on its owner only").isZero();

        storeA.close(); // A dies as far as the store can tell: no renewal, no write, no release

        assertThat(await(Duration.ofSeconds(60), () -> !storeB.job(id).orElseThrow().status().equals("running")))
                .isTrue();
        CrawlStore.Job job = storeB.job(id).orElseThrow();
        assertThat(job.status()).isEqualTo("completed");
        assertThat(job.fence()).as("taken over once").isEqualTo(2);
        assertThat(storeB.count(id, "completed")).isEqualTo(10);
        assertThat(pages.atOnce).as("a page rendered by two owners at once").hasValue(0);
        assertThat(pages.renders.values()).allSatisfy(n -> assertThat(n.get()).as("renders of one page").isLessThanOrEqualTo(2));
    }

    @Test
    @Timeout(120)
    void aStoppingOwnerReleasesItsJobAndAnotherTakesItAtOnce() throws Exception {
        CrawlStore storeA = store();
        CrawlStore storeB = store();
        Duration term = Duration.ofSeconds(20);
        Crawler a = crawler(storeA, term);
        Crawler b = crawler(storeB, term);
        String id = a.start("t", chain(11), JsonNodeFactory.instance.objectNode()); // p0 .. p10: depth 10
        assertThat(await(Duration.ofSeconds(30), () -> storeB.count(id, "completed") >= 3)).isTrue();

        long stopped = System.nanoTime();
        a.close();
        assertThat(await(Duration.ofSeconds(15), () -> b.running() == 1)).as("taken over well before the term ends")
                .isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(term);
        assertThat(await(Duration.ofSeconds(60), () -> storeB.job(id).orElseThrow().status().equals("completed")))
                .isTrue();
        assertThat(storeB.count(id, "completed")).isEqualTo(11);
        assertThat(storeB.job(id).orElseThrow().fence()).isEqualTo(2);
        assertThat(pages.atOnce).hasValue(0);
        assertThat(pages.renders.values()).allSatisfy(n -> assertThat(n.get()).as("each page once").isEqualTo(1));
    }

    @Test
    @Timeout(120)
    void aCancelThroughAnotherGatewayStopsTheOwnersRun() {
        CrawlStore storeA = store();
        CrawlStore storeB = store();
        Crawler a = crawler(storeA, Duration.ofSeconds(5));
        Crawler b = crawler(storeB, Duration.ofSeconds(5));
        String id = a.start("t", chain(11), JsonNodeFactory.instance.objectNode());
        assertThat(await(Duration.ofSeconds(30), () -> storeB.count(id, "completed") >= 2)).isTrue();

        assertThat(b.cancel(id)).isTrue();
        int rendersAtCancel = pages.total.get();

        assertThat(await(Duration.ofSeconds(10), () -> a.running() == 0)).as("the owner's worker stopped").isTrue();
        assertThat(pages.total.get()).as("at most the page in flight").isLessThanOrEqualTo(rendersAtCancel + 1);
        assertThat(storeA.job(id).orElseThrow().status()).isEqualTo("cancelled_by_user");
        assertThat(storeA.count(id, "queued")).isZero();
        assertThat(b.running()).as("nobody takes a cancelled job").isZero();
    }
}
