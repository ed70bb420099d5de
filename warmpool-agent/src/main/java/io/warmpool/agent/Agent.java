package io.warmpool.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.warmpool.agent.internal.AgentHttpApi;
import io.warmpool.agent.internal.AgentMetrics;
import io.warmpool.agent.internal.BrowserInstance;
import io.warmpool.agent.internal.BrowserReset;
import io.warmpool.agent.internal.ChromiumLauncher;
import io.warmpool.agent.internal.InstanceRegistry;
import io.warmpool.agent.internal.QuickActionRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * A running agent: its browsers, its HTTP API on 127.0.0.1 and, with a gateway, its heartbeats.
 * Browser profiles live under {@code <dataDir>/agent-<agentId>/}, which is emptied at start; other agents'
 * folders left behind by a SIGKILL are swept too (see {@link #sweepLeftovers}). Thread-safe; {@link #close()} is idempotent and stops every browser.
 */
public final class Agent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);

    private final AgentConfig config;
    private final HttpClient http;
    private final InstanceRegistry registry;
    private final HeartbeatReporter heartbeats;
    private final AgentHttpApi api;
    private final int port;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Agent(AgentConfig config) {
        this.config = config;
        Path profiles = config.dataDir().toAbsolutePath().resolve("agent-" + config.agentId());
        deleteTree(profiles);
        sweepLeftovers(config.dataDir().toAbsolutePath());
        try {
            Files.createDirectories(profiles);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + profiles, e);
        }
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        ObjectMapper json = new ObjectMapper();
        this.heartbeats = config.gateway() == null ? null : new HeartbeatReporter(config.gateway(), config.agentId(),
                config.region(), config.heartbeatInterval(), this::statuses, InstantSource.system(), http, config.secret());
        ChromiumLauncher launcher = new ChromiumLauncher(config.browsers(), profiles, config.startTimeout());
        AgentMetrics metrics = new AgentMetrics();
        this.registry = new InstanceRegistry(config.region(), launcher, http, json, this::died,
                config.egressPolicy(), BrowserInstance.Options.of(config.sparePage()), metrics);
        metrics.watch(registry::list);
        this.api = new AgentHttpApi(registry, new QuickActionRunner(config.region()),
                new BrowserReset(config.region()), json, config.secret(), metrics);
        try {
            this.port = api.start("127.0.0.1", config.port());
        } catch (RuntimeException e) {
            http.shutdownNow();
            throw e;
        }
        if (heartbeats != null) {
            heartbeats.start();
        }
    }

    /** Starts the agent; returns once its HTTP API listens. */
    public static Agent start(AgentConfig config) {
        Agent agent = new Agent(config);
        log.info("agent {} ({}/{}) listening on {}; pages: {}; API secret {}", config.agentId(), config.region(),
                config.zone(), agent.url(), config.egressPolicy(), config.secret() == null ? "not set" : "set");
        return agent;
    }

    /** The bound HTTP port. */
    public int port() {
        return port;
    }

    /** The HTTP API's base URL, {@code http://127.0.0.1:<port>}. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /**
     * Stops accepting requests, stops every browser (in parallel), reports them {@code alive:false} in one
     * last heartbeat (1 s bound), then stops heartbeats. Bounded by about 20 s.
     * A second caller (the SIGTERM hook while stdin EOF is being handled) waits for the first to finish.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            try {
                if (!stopped.await(30, TimeUnit.SECONDS)) {
                    log.warn("agent {} ({}) still stopping after 30 s", config.agentId(), config.region());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try {
            stop();
        } finally {
            stopped.countDown();
        }
    }

    private void stop() {
        log.info("agent {} ({}) stopping {} instances", config.agentId(), config.region(), registry.list().size());
        try {
            api.close();
        } catch (RuntimeException e) {
            log.warn("stopping the HTTP API: {}", e.toString());
        }
        List<BrowserInstance> stopping = registry.list();
        registry.close();
        if (heartbeats != null) {
            stopping.forEach(i -> heartbeats.reportDead(i.id())); // tell the gateway now, not at its stale bound
            heartbeats.close();
        }
        http.shutdownNow();
        log.info("agent {} ({}) stopped", config.agentId(), config.region());
    }

    private List<HeartbeatReporter.InstanceStatus> statuses() {
        return registry.list().stream().map(i -> new HeartbeatReporter.InstanceStatus(i.id(), i.alive())).toList();
    }

    private void died(BrowserInstance instance) {
        if (heartbeats != null) {
            heartbeats.reportDead(instance.id());
        }
    }

    /**
     * Deletes the profile folders of agents that are gone (killed with SIGKILL, so nobody cleaned up):
     * {@code agent-*} folders that no live process mentions and that have not changed for a minute.
     */
    private static void sweepLeftovers(Path dataDir) {
        if (!Files.isDirectory(dataDir)) {
            return;
        }
        List<String> commandLines = ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains(dataDir.toString())).toList();
        FileTime cutoff = FileTime.from(Instant.now().minus(Duration.ofMinutes(1)));
        try (Stream<Path> dirs = Files.list(dataDir)) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith("agent-")).toList()) {
                String inside = dir + "/";
                if (commandLines.stream().noneMatch(c -> c.contains(inside))
                        && Files.getLastModifiedTime(dir).compareTo(cutoff) < 0) {
                    log.info("deleting {}, left behind by an agent that is gone", dir);
                    deleteTree(dir);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            log.warn("cannot sweep {}: {}", dataDir, e.toString());
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir, e);
        }
    }
}
