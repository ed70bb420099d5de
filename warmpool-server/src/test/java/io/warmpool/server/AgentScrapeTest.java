package io.warmpool.server;

import io.warmpool.server.metrics.AgentScrape;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The agents' text, relabelled and grouped by family (a unit test of the text handling; MetricsTest runs it live). */
class AgentScrapeTest {
    private static final String AGENT = """
            # HELP warmpool_agent_browsers live browsers
            # TYPE warmpool_agent_browsers gauge
            warmpool_agent_browsers{pool="browser"} 2.0
            # HELP jvm_threads_live_threads threads
            # TYPE jvm_threads_live_threads gauge
            jvm_threads_live_threads 30.0
            # HELP warmpool_agent_cdp_seconds time
            # TYPE warmpool_agent_cdp_seconds histogram
            warmpool_agent_cdp_seconds_count{pool="browser"} 5
            warmpool_agent_cdp_seconds_sum{pool="browser"} 0.25
            """;

    @Test
    void eachFamilyIsWrittenOnceWithTheSamplesOfEveryAgentLabelledByRegionAndAgent() {
        Map<String, String> bodies = Map.of("http://a/metrics", AGENT, "http://b/metrics", AGENT);
        AgentScrape scrape = new AgentScrape(() -> List.of(new AgentScrape.Target("weur", "weur-1", "http://a"),
                new AgentScrape.Target("enam", "enam-1", "http://b"), new AgentScrape.Target("apac", "apac-1", "http://gone")),
                url -> {
                    String body = bodies.get(url);
                    if (body == null) {
                        throw new IllegalStateException("connection refused");
                    }
                    return body;
                });

        String text = scrape.scrape();

        assertThat(text.split("# TYPE warmpool_agent_browsers gauge", -1)).as("one TYPE line per family").hasSize(2);
        assertThat(text).doesNotContain("jvm_threads").doesNotContain("apac");
        assertThat(text).contains("warmpool_agent_browsers{region=\"weur\",agent=\"weur-1\",pool=\"browser\"} 2.0",
                "warmpool_agent_browsers{region=\"enam\",agent=\"enam-1\",pool=\"browser\"} 2.0",
                "warmpool_agent_cdp_seconds_sum{region=\"enam\",agent=\"enam-1\",pool=\"browser\"} 0.25");
        int type = text.indexOf("# TYPE warmpool_agent_cdp_seconds histogram");
        assertThat(text.indexOf("warmpool_agent_cdp_seconds_count{region=\"weur\"")).isGreaterThan(type);
        assertThat(text.indexOf("warmpool_agent_cdp_seconds_count{region=\"enam\"")).isGreaterThan(type);
    }

    @Test
    void aSampleWithoutLabelsGetsThem() {
        AgentScrape one = new AgentScrape(() -> List.of(new AgentScrape.Target("weur", "w1", "http://a")),
                url -> "# TYPE warmpool_agent_up gauge\nwarmpool_agent_up 1.0\n");
        assertThat(one.scrape()).contains("warmpool_agent_up{region=\"weur\",agent=\"w1\"} 1.0");
    }
}
