package io.warmpool.agent.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.warmpool.BrowserKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The browsers this agent owns, by instance id. Starts run in parallel: an id is reserved with one
 * {@code putIfAbsent} and the slow launch happens outside any lock. A browser that dies by itself is
 * forgotten, cleaned up and passed to the death listener. Thread-safe.
 */
public final class InstanceRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InstanceRegistry.class);
    private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    /** An id's place in the map; {@code instance} is null while the browser is starting. */
    private static final class Slot {
        volatile BrowserInstance instance;
        volatile boolean deleted;
        /** Counted down when its start has ended, up or not: close waits for it so no browser outlives the agent. */
        final CountDownLatch settled = new CountDownLatch(1);
    }

    private final String region;
    private final ChromiumLauncher launcher;
    private final HttpClient http;
    private final ObjectMapper json;
    private final Consumer<BrowserInstance> onDeath;
    private final AddressPolicy egressPolicy;
    private final BrowserInstance.Options options;
    private final AgentMetrics metrics;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param onDeath      told, on a background thread, about each browser that died unexpectedly
     * @param egressPolicy what the browsers' pages may connect to (see {@link EgressProxy})
     * @param options      spare pages, and the cores that size quick actions per browser
     */
    public InstanceRegistry(String region, ChromiumLauncher launcher, HttpClient http, ObjectMapper json,
                            Consumer<BrowserInstance> onDeath, AddressPolicy egressPolicy,
                            BrowserInstance.Options options, AgentMetrics metrics) {
        this.options = options;
        this.metrics = metrics;
        this.region = region;
        this.launcher = launcher;
        this.http = http;
        this.json = json;
        this.onDeath = onDeath;
        this.egressPolicy = egressPolicy;
    }

    /**
     * Starts a browser and returns once its CDP endpoint answers.
     *
     * @param browser which binary to start
     * @throws AgentException {@code invalid_field} 400, {@code browser_unavailable} 400, {@code instance_exists} 409,
     *                        {@code start_failed} 502,
     *                        {@code agent_stopping} 503
     */
    public BrowserInstance start(String instanceId, String pool, String version, BrowserKind browser) {
        if (instanceId == null || !INSTANCE_ID.matcher(instanceId).matches()) {
            throw new AgentException("invalid_field", 400,
                    "instanceId must match " + INSTANCE_ID.pattern() + " (got '" + instanceId + "')");
        }
        if (pool == null || pool.isBlank()) {
            throw new AgentException("invalid_field", 400, "pool must be a non-empty name (got '" + pool + "')");
        }
        Slot slot = new Slot();
        if (slots.putIfAbsent(instanceId, slot) != null) {
            throw new AgentException("instance_exists", 409, "instance '" + instanceId + "' is already live here");
        }
        try {
            if (closed) {
                throw new AgentException("agent_stopping", 503, "the agent is shutting down");
            }
            long t0 = System.nanoTime();
            Semaphore egressSlots = new Semaphore(BrowserInstance.MAX_EGRESS_CONNECTIONS);
            EgressProxy egress = EgressProxy.start(instanceId, egressPolicy, egressSlots);
            ChromiumProcess process;
            CdpConnection cdp;
            try {
                process = launcher.launch(instanceId, browser, egress.proxyServer());
            } catch (RuntimeException e) {
                egress.close();
                throw e;
            }
            try {
                cdp = CdpConnection.open(http, process.cdpUrl(), json, BrowserInstance.CALL_TIMEOUT,
                        took -> metrics.cdpAnswered(pool, took));
                cdp.call("Browser.getVersion", null, null, BrowserInstance.CALL_TIMEOUT);
            } catch (CdpException e) {
                process.stop();
                egress.close();
                throw new AgentException("start_failed", 502, "Chromium's CDP endpoint did not answer: " + e.getMessage());
            }
            long startMillis = (System.nanoTime() - t0) / 1_000_000;
            BrowserInstance instance = new BrowserInstance(instanceId, pool, version, browser, process, cdp, startMillis,
                    new BrowserInstance.Egress(egressPolicy, egress, egressSlots), options);
            slot.instance = instance;
            instance.watch(this::died);
            if (slot.deleted || closed) {
                instance.stop();
                throw new AgentException("start_failed", 502, "instance '" + instanceId + "' was stopped while starting");
            }
            instance.spare().prepareAhead(); // its first quick action finds a page ready
            log.info("{}/{} - started {} ({}, pid {}) in {} ms", pool, region, instanceId, browser, instance.pid(),
                    startMillis);
            return instance;
        } catch (RuntimeException e) {
            slots.remove(instanceId, slot);
            throw e;
        } finally {
            slot.settled.countDown();
        }
    }

    /** What a start that names no browser gets: the headless shell when this agent has one, else Chromium. */
    public BrowserKind defaultBrowser() {
        return launcher.has(BrowserKind.HEADLESS_SHELL) ? BrowserKind.HEADLESS_SHELL : BrowserKind.CHROMIUM;
    }

    /** Stops and forgets the instance; unknown ids are fine. A starting instance is stopped once it is up. */
    public void stop(String instanceId) {
        Slot slot = slots.remove(instanceId);
        if (slot == null) {
            return;
        }
        slot.deleted = true;
        BrowserInstance instance = slot.instance;
        if (instance != null) {
            instance.stop();
            log.info("{}/{} - stopped {}", instance.pool(), region, instanceId);
        }
    }

    /**
     * The running instance with this id.
     *
     * @throws AgentException {@code instance_not_found} 404, {@code instance_dead} 410
     */
    public BrowserInstance require(String instanceId) {
        Slot slot = slots.get(instanceId);
        BrowserInstance instance = slot == null ? null : slot.instance;
        if (instance == null) {
            throw new AgentException(io.warmpool.protocol.AgentProtocol.INSTANCE_NOT_FOUND, 404, "no instance '" + instanceId + "' on this agent");
        }
        if (!instance.alive()) {
            throw new AgentException(io.warmpool.protocol.AgentProtocol.INSTANCE_DEAD, 410, "instance '" + instanceId + "' is dead");
        }
        return instance;
    }

    /** Every started (not starting) instance, ordered by id. */
    public List<BrowserInstance> list() {
        List<BrowserInstance> out = new ArrayList<>();
        for (Slot slot : slots.values()) {
            BrowserInstance instance = slot.instance;
            if (instance != null) {
                out.add(instance);
            }
        }
        out.sort(Comparator.comparing(BrowserInstance::id));
        return out;
    }

    /** Stops every instance in parallel and refuses new starts. Idempotent; bounded by each stop's 5 s. */
    @Override
    public void close() {
        closed = true;
        List<Thread> stopping = new ArrayList<>();
        List<Slot> all = List.copyOf(slots.values());
        for (String id : List.copyOf(slots.keySet())) {
            stopping.add(Thread.ofVirtual().name("stop-" + id).start(() -> stop(id)));
        }
        // a start in flight stops its own browser once it is up (closed is set); wait for it, bounded
        stopping.add(Thread.ofVirtual().name("stop-starting").start(() -> {
            for (Slot slot : all) {
                try {
                    slot.settled.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }));
        for (Thread t : stopping) {
            try {
                t.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void died(BrowserInstance instance) {
        Slot slot = slots.get(instance.id());
        if (slot == null || slot.instance != instance) {
            return;
        }
        slots.remove(instance.id(), slot);
        List<String> tail = instance.process().stderrTail();
        log.warn("{}/{} - instance {} (pid {}) died; last stderr: {}", instance.pool(), region, instance.id(),
                instance.pid(), String.join(" | ", tail.subList(Math.max(0, tail.size() - 3), tail.size())));
        Thread.ofVirtual().name("cleanup-" + instance.id()).start(() -> {
            try {
                instance.stop();
            } catch (RuntimeException e) {
                log.warn("{}/{} - cleaning up {} failed: {}", instance.pool(), region, instance.id(), e.toString());
            }
        });
        onDeath.accept(instance);
    }
}
