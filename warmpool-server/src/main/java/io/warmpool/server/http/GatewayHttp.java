package io.warmpool.server.http;

import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.warmpool.core.Allocator;
import io.warmpool.core.MemoryRateCells;
import io.warmpool.core.RateCells;
import io.warmpool.server.RegionRuntime;
import io.warmpool.server.config.GatewayConfig;
import io.warmpool.server.crawl.CrawlLeases;
import io.warmpool.server.crawl.CrawlStore;
import io.warmpool.server.crawl.Crawler;
import io.warmpool.server.local.AgentClient;
import io.warmpool.server.metrics.AgentScrape;
import io.warmpool.server.metrics.GatewayMetrics;

import java.time.InstantSource;
import java.util.Map;

/** Builds the gateway's HTTP server: routes, error mapping, limits. */
public final class GatewayHttp {
    private final GatewayConfig config;
    private final RegionResolver resolver;
    private final Allocator allocator;
    private final InstantSource clock;
    private final byte[] secret;
    private final String agentSecret;
    private final AgentClient agents = new AgentClient();

    private final GatewayMetrics metrics;
    private Crawler crawler; // set by start()

    public GatewayHttp(GatewayConfig config, Map<String, RegionRuntime> regions, Allocator allocator,
                       InstantSource clock, byte[] secret, String agentSecret, GatewayMetrics metrics) {
        this.metrics = metrics;
        this.agentSecret = agentSecret;
        if (agentSecret != null) {
            agents.authenticateWith(agentSecret);
        }
        this.config = config;
        this.secret = secret.clone();
        this.resolver = new RegionResolver(config, regions);
        this.allocator = allocator;
        this.clock = clock;
    }

    /** The running local agent of each region (remote agents are not scraped yet). */
    private java.util.List<AgentScrape.Target> agentTargets() {
        java.util.List<AgentScrape.Target> out = new java.util.ArrayList<>();
        for (RegionRuntime r : resolver.all().values()) {
            var provider = r.provider() instanceof io.warmpool.server.process.PoolRoutingProvider routing
                    ? routing.browsers() : r.provider();
            if (provider instanceof io.warmpool.server.local.LocalAgentProvider local) {
                var view = local.currentView();
                if (view != null) {
                    out.add(new AgentScrape.Target(r.name(), view.agentId(), view.url()));
                }
            }
        }
        return out;
    }

    private String fetchFromAgent(String url) {
        var r = agents.get(url, AgentScrape.TIMEOUT);
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode());
        }
        return new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Where tenants' rate limits are kept: this process's memory when it is the only gateway (SQLite); with PostgreSQL,
     * the shard of the first region by name, which every gateway of the cluster opens, so that a tenant's
     * {@code sessionsPerMinute} and {@code quickPerSecond} are the same through one gateway or five.
     */
    private RateCells rateCells() {
        if (!config.store().postgres() || resolver.all().isEmpty()) {
            return new MemoryRateCells(clock);
        }
        return new java.util.TreeMap<>(resolver.all()).firstEntry().getValue().shard().rateCells();
    }

    /** Starts listening on the configured address and port; {@link Javalin#port()} tells the port. */
    public Javalin start() {
        Access access = new Access(config.auth(), rateCells(), metrics::rateLimited);
        SessionTokens tokens = new SessionTokens(secret);
        DevtoolsProxy proxy = new DevtoolsProxy(resolver, access, tokens, clock, config.proxy(), agents,
                () -> metrics.egressBlocked("cdp", 1));
        SessionRoutes sessions = new SessionRoutes(resolver, allocator, access, tokens, proxy);
        QuickRoutes quick = new QuickRoutes(resolver, allocator, access, agents,
                new QuickCache(512, 64L * 1024 * 1024, System::nanoTime),
                new JsonAction(config.ai(), java.net.http.HttpClient.newBuilder()
                        .connectTimeout(java.time.Duration.ofSeconds(5)).build()), metrics);
        CrawlStore crawlStore = config.store().postgres() ? CrawlStore.postgres(config.store().postgresUrl(),
                config.store().schemaPrefix()) : CrawlStore.sqlite(config.dataDir().resolve("crawl.db"));
        CrawlRoutes crawl = new CrawlRoutes(access, quick, crawlStore);
        // on SQLite the gateway owns its data directory, and with it every job an earlier run left running
        Crawler crawler = new Crawler(crawlStore, crawl, clock, new CrawlLeases.Settings(
                CrawlLeases.Settings.DEFAULT.term(), !config.store().postgres()));
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.startupWatcherEnabled = false;
            cfg.concurrency.useVirtualThreads = true;
            cfg.http.maxRequestSize = config.maxBodyBytes();
            cfg.jsonMapper(new JavalinJackson(Json.MAPPER, true));
            AccessLog accessLog = new AccessLog();
            cfg.requestLogger.http(accessLog);
            cfg.requestLogger.ws(accessLog::websockets);
            cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            cfg.jetty.modifyWebSocketServletFactory(ws -> {
                ws.setMaxTextMessageSize(io.warmpool.protocol.AgentProtocol.MAX_CDP_MESSAGE_BYTES);
                ws.setMaxBinaryMessageSize(io.warmpool.protocol.AgentProtocol.MAX_CDP_MESSAGE_BYTES);
                ws.setIdleTimeout(java.time.Duration.ofHours(1));
            });
            ErrorResponses.register(cfg.routes);
            sessions.register(cfg.routes);
            proxy.register(cfg.routes, cfg.events, sessions::acquireForSocket, sessions::releaseInternal);
            quick.register(cfg.routes);
            crawl.register(cfg.routes, crawler); // before the actions' {action}
            new CloudflareSessions(sessions, proxy, access, tokens).register(cfg.routes); // likewise
            new CloudflareRoutes(quick).register(cfg.routes);
            new SessionProxyRoutes(new ProcessSessions(resolver, access, tokens, clock), config.auth().none(),
                    io.warmpool.protocol.AgentProtocol.MAX_CDP_MESSAGE_BYTES).register(cfg.routes, cfg.events);
            PoolRoutes pools = new PoolRoutes(resolver, allocator, access, proxy::openConnections);
            pools.register(cfg.routes);
            new DashboardRoutes(pools, new InstanceListing(resolver.all()), access, metrics, clock)
                    .register(cfg.routes);
            AgentCheck agentCheck = new AgentCheck(agentSecret);
            new HeartbeatRoutes(resolver, clock, agentCheck).register(cfg.routes);
            new AgentRoutes(resolver, agentCheck).register(cfg.routes);
            new OpsRoutes(resolver, access).register(cfg.routes);
            new MetricsRoutes(access, metrics, new AgentScrape(this::agentTargets, this::fetchFromAgent)).register(cfg.routes);
            cfg.events.serverStopping(crawler::close);
            cfg.events.serverStopped(() -> {
                agents.close();
                crawlStore.close();
            });
        });
        this.crawler = crawler;
        return app.start(config.bind(), config.port());
    }

    /**
     * Starts running crawl jobs nobody runs (an earlier run's, or a stopped or dead gateway's): once the regions are
     * started and the gateway's URL is known, since their pages need agents.
     */
    public void resumeCrawls() {
        crawler.resume();
    }
}

