package io.warmpool.process;

import io.warmpool.HeartbeatReport;
import io.warmpool.Instance;
import io.warmpool.ProviderException;
import io.warmpool.spi.InstanceProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * Runs a pool's instances as local processes of its {@link ProcessTemplate}, each in a process group of its own
 * ({@link ProcessGroup}) on a loopback port, with a data directory under {@code dataRoot}. Nothing it started
 * outlives it: {@link #close()} stops every process, and a JVM killed by SIGKILL takes the groups with it. Its
 * {@link #heartbeats(Instant)} are the instances' heartbeats (the part an agent plays for browsers). Thread-safe;
 * starts may run in parallel.
 */
public final class LocalProcessProvider implements InstanceProvider {
    private static final Logger log = LoggerFactory.getLogger(LocalProcessProvider.class);

    private final Map<String, ProcessTemplate> templates;
    private final Path dataRoot;
    private final String agentId = "local-" + ProcessHandle.current().pid();
    private final Probes probes = new Probes();
    private final Map<String, ProcessInstance> running = new ConcurrentHashMap<>();
    private final Resets resets = new Resets(probes);
    private volatile boolean closed;
    private volatile String lastStartFailure;

    /**
     * @param templates the template of each pool, by pool name
     * @param dataRoot  where instances' data directories are made (created when missing)
     */
    public LocalProcessProvider(Map<String, ProcessTemplate> templates, Path dataRoot) {
        this.templates = Map.copyOf(templates);
        this.dataRoot = dataRoot;
    }

    @Override
    public Placement place(String region, String pool) {
        return new Placement(agentId, "local");
    }

    @Override
    public Started start(Instance instance) {
        ProcessTemplate template = template(instance.pool());
        Path dataDir = dataRoot.resolve(instance.id().replaceAll("[^A-Za-z0-9._-]", "_"));
        int port;
        ProcessGroup group;
        try {
            Files.createDirectories(dataDir);
            port = freePort();
            group = ProcessGroup.start(template.commandFor(port, dataDir), template.environmentFor(port, dataDir),
                    template.workingDir());
        } catch (IOException e) {
            ProcessGroup.deleteTree(dataDir);
            throw new ProviderException(instance.pool() + " - cannot start " + template.command().getFirst() + ": "
                    + e.getMessage(), e);
        }
        java.util.regex.Pattern line = template.readiness() instanceof Readiness.OutputLine l ? l.pattern() : null;
        ProcessInstance process = new ProcessInstance(instance.id(), group, port, dataDir,
                OutputDrain.start(instance.id(), group.output(), line));
        String failure;
        try {
            failure = probes.awaitReady(process, template.readiness(), template.startTimeout(), () -> closed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted while starting";
        }
        if (failure != null) {
            process.stop(java.time.Duration.ZERO);
            lastStartFailure = instance.id() + " " + failure;
            throw new ProviderException(instance.pool() + " - " + instance.id() + " " + failure);
        }
        running.put(instance.id(), process);
        if (closed && running.remove(instance.id()) != null) { // close() ran while it started: nothing may outlive it
            process.stop(java.time.Duration.ZERO);
            throw new ProviderException(instance.pool() + " - " + instance.id() + " started after the provider closed");
        }
        log.debug("{} - {} ready on port {} (pid {})", instance.pool(), instance.id(), port, process.pid());
        return new Started(null, process.url().toString());
    }

    @Override
    public void stop(Instance instance) {
        ProcessInstance process = running.remove(instance.id());
        if (process != null) {
            process.stop(template(instance.pool()).stopTimeout());
        }
    }

    @Override
    public boolean reset(Instance instance) {
        ProcessInstance process = running.get(instance.id());
        return process != null && process.alive() && resets.reset(process, template(instance.pool()));
    }

    @Override
    public boolean ping(Instance instance) {
        ProcessInstance process = running.get(instance.id());
        return process != null && process.alive();
    }

    @Override
    public boolean admits(String agentId) {
        return this.agentId.equals(agentId);
    }

    /**
     * One report per process it runs: alive, or dead when its command exited (it is then LOST and replaced); the
     * group and data directory of a dead one are removed at once.
     */
    public List<HeartbeatReport> heartbeats(Instant now) {
        List<HeartbeatReport> reports = new ArrayList<>(running.size());
        running.forEach((id, p) -> {
            boolean alive = p.alive();
            if (!alive && p.markReaped()) {
                // the rest of its group (the wrapper, any children) goes now, not when the engine stops it: a LOST
                // instance held by a session is only stopped once the session ends
                log.warn("{} - process {} of {} exited; killing its group", agentId, p.pid(), id);
                Thread.ofVirtual().name("reap-" + id).start(() -> p.stop(java.time.Duration.ZERO));
            }
            reports.add(new HeartbeatReport(id, agentId, alive, now, now));
        });
        return reports;
    }

    /** The running process of instance {@code instanceId}, once it is ready and until it is stopped. */
    public Optional<ProcessInstance> process(String instanceId) {
        return Optional.ofNullable(running.get(instanceId));
    }

    /** Why the last failed start failed (start timeout, exit during start, with its last output), or null. */
    public String lastStartFailure() {
        return lastStartFailure;
    }

    /** How many processes run now. */
    public int size() {
        return running.size();
    }

    /** Stops every process it runs, in parallel, each within its template's stop timeout. */
    @Override
    public void close() {
        closed = true;
        try (var stops = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String id : List.copyOf(running.keySet())) {
                ProcessInstance p = running.remove(id);
                if (p != null) {
                    stops.execute(() -> p.stop(java.time.Duration.ofSeconds(1)));
                }
            }
        }
        probes.close();
    }

    private ProcessTemplate template(String pool) {
        ProcessTemplate t = templates.get(pool);
        if (t == null) {
            throw new ProviderException("no process template for pool " + pool + " (known: "
                    + templates.keySet().stream().sorted().toList() + ")");
        }
        return t;
    }

    /** A loopback port free now; another process could take it before ours binds, and that start then fails. */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
