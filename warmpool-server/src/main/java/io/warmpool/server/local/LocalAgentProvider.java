package io.warmpool.server.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.warmpool.BrowserKind;
import io.warmpool.Instance;
import io.warmpool.ProviderException;
import io.warmpool.protocol.AgentMessages;
import io.warmpool.protocol.AgentMessages.StartRequest;
import io.warmpool.protocol.AgentProtocol;
import io.warmpool.spi.InstanceProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs a region's instances in one local agent process, started on first use and restarted when it dies. When an
 * agent dies, {@code onAgentLost} is told its id at once (its browsers died with it), so the gateway can mark
 * them LOST without waiting for heartbeats to go stale. Thread-safe.
 */
public final class LocalAgentProvider implements InstanceProvider {
    private static final Logger log = LoggerFactory.getLogger(LocalAgentProvider.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    /**
     * @param gatewayUrl where agents send heartbeats (known only once the HTTP server listens)
     * @param classpath  the classpath the agent JVM runs with (normally this JVM's)
     * @param browsers   which binary each pool runs, and the headless shell's path if there is one
     */
    public record Settings(String region, String zone, Path chromium, Path dataDir, Supplier<String> gatewayUrl,
                           Duration heartbeatInterval, String javaCommand, String classpath, String agentSecret,
                           java.util.List<String> egressAllow, PoolBrowsers browsers) {
        public static String currentJava() {
            return ProcessHandle.current().info().command().orElse("java");
        }
    }

    private final Settings settings;
    private final AgentClient client;
    private final Consumer<String> onAgentLost;
    private final ReentrantLock lock = new ReentrantLock();
    private AgentProcess agent; // guarded by lock
    private int generation; // guarded by lock
    private boolean closed; // guarded by lock
    private final java.util.Set<String> started = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public LocalAgentProvider(Settings settings, AgentClient client, Consumer<String> onAgentLost) {
        this.settings = settings;
        this.client = client;
        this.onAgentLost = onAgentLost;
    }

    @Override
    public Placement place(String region, String pool) {
        return new Placement(agent().agentId(), settings.zone());
    }

    private AgentProcess agent() {
        lock.lock();
        try {
            if (closed) {
                throw new ProviderException(settings.region() + " - provider is closed");
            }
            if (agent == null || !agent.isAlive()) {
                agent = spawn();
            }
            return agent;
        } finally {
            lock.unlock();
        }
    }

    private AgentProcess spawn() { // called with lock held
        String agentId = settings.region() + "-" + (++generation) + "-" + ProcessHandle.current().pid();
        List<String> cmd = new ArrayList<>(List.of(settings.javaCommand(), "--enable-native-access=ALL-UNNAMED",
                "-Xss512k", "-XX:+UseSerialGC", "-Xmx192m", "-XX:TieredStopAtLevel=1",
                // the agent logs to the gateway's stderr: in the gateway's format (see LogFormat)
                "-Dwarmpool.log.format=" + System.getProperty("warmpool.log.format", "TEXT"), "-cp", settings.classpath(), "io.warmpool.agent.AgentMain",
                "--agent-id", agentId, "--region", settings.region(), "--zone", settings.zone(), "--port", "0",
                "--chromium", settings.chromium().toString(),
                "--data-dir", settings.dataDir().toString(),
                "--heartbeat-interval", settings.heartbeatInterval().toString(),
                "--gateway", settings.gatewayUrl().get()));
        if (settings.browsers().headlessShell() != null) {
            cmd.addAll(List.of("--headless-shell", settings.browsers().headlessShell().toString()));
        }
        if (!settings.egressAllow().isEmpty()) {
            cmd.addAll(List.of("--allow", String.join(",", settings.egressAllow())));
        }
        this.started.add(agentId);
        AgentProcess started = AgentProcess.spawn(agentId, cmd, settings.agentSecret(), 30_000);
        log.info("{} - agent {} started (pid {}, {})", settings.region(), agentId, started.pid(), started.url());
        started.onExit().thenRun(() -> exited(started));
        return started;
    }

    private void exited(AgentProcess gone) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (agent == gone) {
                agent = null;
            }
        } finally {
            lock.unlock();
        }
        log.warn("{} - agent {} exited unexpectedly; its instances are lost", settings.region(), gone.agentId());
        onAgentLost.accept(gone.agentId());
    }

    @Override
    public Started start(Instance instance) {
        AgentProcess owner = owner(instance);
        BrowserKind browser = settings.browsers().of(instance.pool());
        byte[] body = json(new StartRequest(instance.id(), instance.pool(), instance.version(),
                browser == null ? null : browser.configName()));
        HttpResponse<byte[]> r = client.post(owner.url() + AgentProtocol.INSTANCES, body, START_TIMEOUT);
        if (r.statusCode() != 200) {
            throw new ProviderException(instance.pool() + "/" + settings.region() + " - agent refused to start "
                    + instance.id() + ": HTTP " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
        }
        return new Started(parse(r.body()).cdpUrl(), owner.url());
    }

    private AgentProcess owner(Instance instance) {
        AgentProcess current = agent();
        if (!current.agentId().equals(instance.agentId())) {
            throw new ProviderException("agent " + instance.agentId() + " of " + instance.id() + " is gone");
        }
        return current;
    }

    @Override
    public void stop(Instance instance) {
        String url = urlOf(instance);
        if (url != null) {
            client.delete(url + AgentProtocol.instance(instance.id()), CALL_TIMEOUT);
        }
    }

    @Override
    public boolean reset(Instance instance) {
        String url = urlOf(instance);
        return url != null && client.post(url + AgentProtocol.reset(instance.id()), new byte[0], CALL_TIMEOUT)
                .statusCode() == 200;
    }

    /**
     * This gateway's agent when the instance is on it; else the agent the store's row names: another gateway's on a
     * shared shard, which takes the cluster secret (a session acquired through one gateway is released through
     * another). Null for a LOST instance of another agent (one from an earlier run: its agent died, and its browsers
     * with it) and when the row names no agent.
     */
    private String urlOf(Instance instance) {
        AgentProcess current = currentAgent();
        if (current != null && current.agentId().equals(instance.agentId())) {
            return current.url();
        }
        return instance.state() == io.warmpool.InstanceState.LOST ? null : instance.agentUrl();
    }

    @Override
    public boolean admits(String agentId) {
        return started.contains(agentId);
    }

    /** The running agent, or null; never starts one. */
    public AgentProcessView currentView() {
        AgentProcess a = currentAgent();
        return a == null ? null : new AgentProcessView(a.agentId(), a.pid(), a.url());
    }

    /** What callers outside this package may see of the agent. */
    public record AgentProcessView(String agentId, long pid, String url) {
    }

    private AgentProcess currentAgent() {
        lock.lock();
        try {
            return agent != null && agent.isAlive() ? agent : null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        AgentProcess a;
        lock.lock();
        try {
            closed = true;
            a = agent;
            agent = null;
        } finally {
            lock.unlock();
        }
        if (a != null) {
            a.stop(10_000);
            log.info("{} - agent {} stopped", settings.region(), a.agentId());
        }
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static AgentMessages.Started parse(byte[] body) {
        try {
            return JSON.readValue(body, AgentMessages.Started.class);
        } catch (IOException e) {
            throw new ProviderException("agent answered with invalid JSON: " + e.getMessage(), e);
        }
    }
}
