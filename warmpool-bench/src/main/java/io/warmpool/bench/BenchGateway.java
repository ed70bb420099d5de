package io.warmpool.bench;

import io.warmpool.PoolCounts;
import io.warmpool.core.PoolSettings;
import io.warmpool.core.RegionPool;
import io.warmpool.server.Gateway;
import io.warmpool.server.Main;
import io.warmpool.server.config.AuthSettings;
import io.warmpool.server.config.GatewayConfig;
import io.warmpool.server.config.RegionConfig;
import io.warmpool.server.local.AgentClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real gateway for a benchmark: one region ({@code weur}, which {@code LHR} maps to) with its SQLite shard and
 * one local agent, under a temp data dir, on a free loopback port, with the demo's settings otherwise. One region
 * rather than the demo's two, so that a 2-core machine runs one agent JVM and only the browsers the benchmark asked
 * for; {@code 127.0.0.1/32} on the egress allow-list, so that browsers may load the benchmark's local page; no auth
 * (loopback) with rate limits far above what a benchmark asks, so that the limiter is not what is measured. {@link #close()} stops the
 * gateway, its agent and every browser.
 */
final class BenchGateway implements AutoCloseable {
    static final String REGION = "weur";
    static final String LOCATION = "LHR";
    static final AuthSettings.Limits BENCH_LIMITS = new AuthSettings.Limits(1_000, 1_000_000, 100_000);

    private final AgentClient agentClient;
    private final Gateway gateway;

    private BenchGateway(AgentClient agentClient, Gateway gateway) {
        this.agentClient = agentClient;
        this.gateway = gateway;
    }

    static BenchGateway start(Path dataDir, Path chromium, List<PoolSettings> pools) {
        return start(dataDir, chromium, pools, java.util.function.UnaryOperator.identity());
    }

    /** Like {@link #start(Path, Path, List)} with {@code more} applied to the config last. */
    static BenchGateway start(Path dataDir, Path chromium, List<PoolSettings> pools,
                              java.util.function.UnaryOperator<GatewayConfig> more) {
        Map<String, PoolSettings> byName = new java.util.LinkedHashMap<>();
        pools.forEach(p -> byName.put(p.name(), p));
        GatewayConfig config = GatewayConfig.demo(dataDir, chromium, 0)
                .withRegions(Map.of(REGION, new RegionConfig(REGION, List.of(), List.of(REGION + "-a"))), REGION)
                .withPools(byName)
                // the benchmark's page is on loopback, which the agents' egress guard refuses unless allowed
                .withEgressAllow(List.of("127.0.0.1/32"))
                // the anonymous tenant's default rate limits (120 sessions/min, 20 quick/s) would cap what is measured
                .withAuth(new AuthSettings(true, Map.of(), BENCH_LIMITS), "127.0.0.1");
        config = more.apply(config);
        AgentClient agentClient = new AgentClient();
        try {
            return new BenchGateway(agentClient, Main.start(config, agentClient));
        } catch (RuntimeException e) {
            agentClient.close();
            throw e;
        }
    }

    String url() {
        return gateway.url();
    }

    PoolCounts counts(String pool) {
        return gateway.regions().get(REGION).pool(pool).counts();
    }

    /** The pool's counts and its acquire counters so far: how many were served warm, after a wait, or not at all. */
    String describe(String pool) {
        RegionPool p = gateway.regions().get(REGION).pool(pool);
        return pool + "/" + REGION + ": " + p.counts() + "; acquires so far: warm=" + p.warmHits() + ", waited="
                + p.coldHits() + ", exhausted=" + p.exhaustedCount();
    }

    /** The instance holding the anonymous tenant's session {@code sessionId}, from the region's store. */
    io.warmpool.Instance session(String sessionId) {
        return gateway.regions().get(REGION).shard().findSession(AuthSettings.ANONYMOUS + "/" + sessionId).orElseThrow();
    }

    /** The pool engine itself, to time an acquire without HTTP. */
    RegionPool pool(String pool) {
        return gateway.regions().get(REGION).pool(pool);
    }

    /** Acquires of {@code pool} so far that found nothing warm and waited for a start. */
    long waited(String pool) {
        return gateway.regions().get(REGION).pool(pool).coldHits();
    }

    /** Waits until {@code pool} has at least {@code warm} warm instances and none starting (bounded). */
    void awaitWarm(String pool, int warm, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            PoolCounts c = counts(pool);
            if (c.warm() >= warm && c.starting() == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(pool + "/" + REGION + " not warm after " + timeout.toSeconds() + " s: " + c);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        try {
            gateway.close();
        } finally {
            agentClient.close();
        }
    }
}
