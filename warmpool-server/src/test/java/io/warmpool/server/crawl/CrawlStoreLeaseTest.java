package io.warmpool.server.crawl;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The crawl jobs' leases and fenced writes, on SQLite and on PostgreSQL, through two connections to one store. */
class CrawlStoreLeaseTest {
    static final String PG = System.getenv().getOrDefault("WARMPOOL_TEST_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    private static final String URL = "http://x.test/";

    @TempDir
    Path dir;
    private final String prefix = "wp_cl" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL) + "_";
    private final List<CrawlStore> opened = new ArrayList<>();

    private CrawlStore open(String kind) {
        CrawlStore s = kind.equals("sqlite") ? CrawlStore.sqlite(dir.resolve("crawl.db")) : CrawlStore.postgres(PG, prefix);
        opened.add(s);
        return s;
    }

    @AfterEach
    void dropEverything() throws Exception {
        opened.forEach(CrawlStore::close);
        try (Connection c = DriverManager.getConnection(PG); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + prefix + "crawl_jobs");
            st.execute("DROP TABLE IF EXISTS " + prefix + "crawl_records");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void oneOwnerAtATimeAndALateOwnersWritesAreRefused(String kind) {
        CrawlStore a = open(kind);
        CrawlStore b = open(kind);
        a.create(new CrawlStore.Job("j1", "t", "{}", "running", 0, 0, 0, 1), URL, "A", 1_000);

        assertThat(b.claimable(500, 10)).as("A holds it until 1000").isEmpty();
        assertThat(b.claim("j1", "B", 500, 2_000)).isEmpty();
        assertThat(a.renew("j1", 1, 1_500)).isTrue();
        assertThat(b.claimable(1_400, 10)).isEmpty();

        // A stops renewing: past 1500 anyone may take the job, exactly once
        assertThat(b.claimable(1_600, 10)).containsExactly("j1");
        assertThat(b.claim("j1", "B", 1_600, 3_000)).contains(2L);
        assertThat(a.claim("j1", "A", 1_600, 3_000)).as("taken once").isEmpty();

        assertThat(a.renew("j1", 1, 4_000)).as("A's renewal").isFalse();
        assertThat(a.finish("j1", 1, URL, "completed", "{\"by\":\"A\"}", 2, 3)).as("A's record").isFalse();
        assertThat(a.enqueue("j1", 1, URL + "a", 1)).as("A's link").isFalse();
        assertThat(a.end("j1", 1, "completed")).as("A's verdict").isFalse();
        assertThat(b.finish("j1", 2, URL, "completed", "{\"by\":\"B\"}", 2, 3)).isTrue();
        assertThat(b.finish("j1", 2, URL, "completed", "{\"by\":\"B again\"}", 2, 3)).as("a record is finished once").isFalse();
        assertThat(b.enqueue("j1", 2, URL + "a", 1)).isTrue();
        assertThat(b.enqueue("j1", 2, URL + "a", 1)).as("a URL is queued once").isFalse();
        assertThat(a.page("j1", 0, 10)).extracting(CrawlStore.Entry::body).containsExactly("{\"by\":\"B\"}");
        assertThat(a.job("j1").orElseThrow().bytes()).isEqualTo(2);
        assertThat(a.job("j1").orElseThrow().fence()).isEqualTo(2);

        b.release("j1", 2); // a gateway that stops gives its jobs up: anyone takes them at once
        assertThat(a.claimable(0, 10)).containsExactly("j1");
        assertThat(a.claim("j1", "A", 0, 5_000)).contains(3L);

        assertThat(b.end("j1", "cancelled_by_user")).as("a cancel through any gateway").isTrue();
        assertThat(a.finish("j1", 3, URL + "a", "completed", "{}", 1, 1)).isFalse();
        assertThat(a.renew("j1", 3, 6_000)).isFalse();
        assertThat(b.claimable(Long.MAX_VALUE, 10)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void theTablesOfTheEarlierVersionGainTheLeaseColumns(String kind) throws Exception {
        String url = kind.equals("sqlite") ? "jdbc:sqlite:" + dir.resolve("crawl.db").toAbsolutePath() : PG;
        String p = kind.equals("sqlite") ? "" : prefix;
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + p + "crawl_jobs (id VARCHAR(64) PRIMARY KEY, tenant VARCHAR(200) NOT NULL,"
                    + " body TEXT NOT NULL, status VARCHAR(40) NOT NULL, created_at BIGINT NOT NULL,"
                    + " bytes BIGINT NOT NULL, browser_ms BIGINT NOT NULL)");
            st.execute("INSERT INTO " + p + "crawl_jobs VALUES ('old', 't', '{}', 'running', 0, 0, 0)");
        }
        CrawlStore s = open(kind);
        assertThat(s.claimable(0, 10)).as("never claimed: anyone may").containsExactly("old");
        assertThat(s.claim("old", "A", 0, 1_000)).contains(1L);
    }
}
