package io.warmpool.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warmpool.protocol.AgentMessages.Heartbeat;
import io.warmpool.protocol.AgentMessages.InstanceStatus;
import io.warmpool.protocol.AgentProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;
import java.util.function.LongSupplier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Reports this agent's instances to the gateway: every {@code interval} a POST of
 * {@code {"agentId","region","at","instances":[{"instanceId","alive"}]}} to
 * {@code {gateway}/internal/v1/heartbeats}, and at once when an instance dies ({@link #reportDead}).
 * A dead instance is repeated with {@code alive:false} in every report until one is accepted.
 * Failed posts are counted and logged at WARN at most once a minute; each post is bounded by 5 s.
 *
 * <p>Thread-safe. Runs on one named daemon thread between {@link #start()} and {@link #close()}.
 */
public final class HeartbeatReporter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeartbeatReporter.class);
    private static final Duration POST_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration FINAL_POST_TIMEOUT = Duration.ofSeconds(1);
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final int MAX_PENDING_DEAD = 10_000;

    private final GatewayLink link;
    private final String agentId;
    private final String region;
    private final Duration interval;
    private final Supplier<List<InstanceStatus>> instances;
    private final InstantSource clock;
    private final LongSupplier ticker;
    private final HttpClient http;
    private final String secret;
    private final ObjectMapper json = new ObjectMapper();
    private final Set<String> pendingDead = ConcurrentHashMap.newKeySet();
    private final BlockingQueue<Boolean> wake = new ArrayBlockingQueue<>(1);
    private final Thread thread;
    private volatile boolean running = true;
    private long failures; // only the reporter thread (and close, after it ended) touches these
    private long lastWarnNanos;
    private boolean warnedOnce;

    /**
     * @param gateway   the gateway's base URL, such as {@code http://127.0.0.1:8080}
     * @param interval  time between periodic reports; must be positive
     * @param instances the instances to report, called on the reporter thread
     * @param clock     gives the {@code at} of each report
     */
    public HeartbeatReporter(URI gateway, String agentId, String region, Duration interval,
                             Supplier<List<InstanceStatus>> instances, InstantSource clock, HttpClient http) {
        this(gateway, agentId, region, interval, instances, clock, http, null);
    }

    /** @param secret sent as {@code Authorization: Bearer <secret>} on every post; null sends none */
    public HeartbeatReporter(URI gateway, String agentId, String region, Duration interval,
                             Supplier<List<InstanceStatus>> instances, InstantSource clock, HttpClient http, String secret) {
        this(gateway, agentId, region, interval, instances, clock, System::nanoTime, http, secret);
    }

    /** @param ticker a nanosecond ticker for the report cadence and warning throttle ({@code System::nanoTime}) */
    public HeartbeatReporter(URI gateway, String agentId, String region, Duration interval,
                             Supplier<List<InstanceStatus>> instances, InstantSource clock, LongSupplier ticker,
                             HttpClient http, String secret) {
        this(GatewayLink.of(gateway), agentId, region, interval, instances, clock, ticker, http, secret);
    }

    /** @param link the gateways, failed over in order, with registration when the agent registers itself */
    public HeartbeatReporter(GatewayLink link, String agentId, String region, Duration interval,
                             Supplier<List<InstanceStatus>> instances, InstantSource clock, LongSupplier ticker,
                             HttpClient http, String secret) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive (interval=" + interval + ")");
        }
        this.link = link;
        this.agentId = agentId;
        this.region = region;
        this.interval = interval;
        this.instances = instances;
        this.clock = clock;
        this.ticker = ticker;
        this.http = http;
        this.secret = secret;
        this.thread = Thread.ofPlatform().daemon().name("warmpool-heartbeat-" + agentId).unstarted(this::loop);
    }

    public void start() {
        thread.start();
    }

    /** Reports {@code instanceId} as dead right away (asynchronously), and in later reports until accepted. */
    public void reportDead(String instanceId) {
        if (pendingDead.size() >= MAX_PENDING_DEAD) {
            log.warn("{} - {} dead instances not yet reported; dropping {}", region, pendingDead.size(), instanceId);
            return;
        }
        pendingDead.add(instanceId);
        wake.offer(Boolean.TRUE);
    }

    /** Stops the thread (waiting up to 5 s), then makes one last, 1 s bounded attempt at unreported deaths. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!pendingDead.isEmpty() && !thread.isAlive() && !Thread.currentThread().isInterrupted()) {
            post(deadOnly(), FINAL_POST_TIMEOUT);
        }
    }

    private void loop() {
        long nextPeriodic = ticker.getAsLong();
        while (running) {
            try {
                long wait = nextPeriodic - ticker.getAsLong();
                if (wait <= 0) {
                    List<InstanceStatus> report = new ArrayList<>(instances.get());
                    report.addAll(deadOnly());
                    post(report, POST_TIMEOUT);
                    nextPeriodic = ticker.getAsLong() + interval.toNanos();
                } else if (wake.poll(wait, TimeUnit.NANOSECONDS) != null && !pendingDead.isEmpty()) {
                    post(deadOnly(), POST_TIMEOUT);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                failed("heartbeat failed: " + e);
            }
        }
    }

    private List<InstanceStatus> deadOnly() {
        return pendingDead.stream().map(id -> new InstanceStatus(id, false)).toList();
    }

    private void post(List<InstanceStatus> report, Duration timeout) {
        String body;
        try {
            body = json.writeValueAsString(new Heartbeat(agentId, region, clock.instant().toString(), report));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        if (!link.ready()) {
            link.failed();
            failed("no gateway admitted this agent yet");
            return;
        }
        URI endpoint = link.current(AgentProtocol.HEARTBEATS);
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", "application/json")
                .header(AgentProtocol.VERSION_HEADER, Integer.toString(AgentProtocol.VERSION));
        if (secret != null) {
            builder.header(AgentProtocol.AUTH_HEADER, AgentProtocol.bearer(secret));
        }
        HttpRequest request = builder.POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == 403) {
                link.forget(); // the gateway does not know this agent (any more): register again
            }
            if (status / 100 != 2) {
                link.failed();
                failed(endpoint + " answered " + status);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            link.failed();
            failed(endpoint + ": " + e);
            return;
        }
        for (InstanceStatus s : report) {
            if (Boolean.FALSE.equals(s.alive())) {
                pendingDead.remove(s.instanceId());
            }
        }
        if (failures > 0) {
            log.info("{} - heartbeats to {} recovered after {} failed posts", region, endpoint, failures);
            failures = 0;
        }
        log.trace("{} - heartbeat with {} instances sent", region, report.size());
    }

    private void failed(String why) {
        failures++;
        long now = ticker.getAsLong();
        if (!warnedOnce || now - lastWarnNanos >= WARN_EVERY_NANOS) {
            warnedOnce = true;
            lastWarnNanos = now;
            log.warn("{} - heartbeat to {} failed ({} in a row): {}", region, link, failures, why);
        } else {
            log.debug("{} - heartbeat to {} failed: {}", region, link, why);
        }
    }
}
