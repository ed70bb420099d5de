package io.warmpool.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warmpool.protocol.AgentMessages.Registration;
import io.warmpool.protocol.AgentProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The gateways an agent reports to, in order: heartbeats go to the current one and move to the next when a post
 * fails (fail over along {@code --gateways}). With a registration, the agent registers with a gateway before its
 * first heartbeat there, and again when that gateway no longer knows it (403 {@code unknown_agent}, as after a
 * gateway restart). A gateway refusing the agent (wrong secret, other protocol version) is logged once per refusal
 * with the gateway's own line. Thread-safe: one lock, held across a registration (bounded by 5 s per gateway).
 */
public final class GatewayLink {
    private static final Logger log = LoggerFactory.getLogger(GatewayLink.class);
    private static final Duration REGISTER_TIMEOUT = Duration.ofSeconds(5);

    /** What a registration attempt came to. */
    public enum Outcome { ADMITTED, REFUSED, UNREACHABLE }

    private final List<URI> gateways;
    private final Supplier<Registration> registration;
    private final HttpClient http;
    private final String secret;
    private final ObjectMapper json = new ObjectMapper();
    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
    private final boolean[] registered; // guarded by lock
    private final boolean[] refused; // guarded by lock; the gateway's last answer to a registration was a refusal
    private int current; // guarded by lock

    /** One gateway, no registration (the local agents a gateway starts itself). */
    public static GatewayLink of(URI gateway) {
        return new GatewayLink(List.of(gateway), null, null, null);
    }

    /**
     * @param registration what to register with (called when registering: the agent's URL is known by then);
     *                     null registers nowhere
     */
    public GatewayLink(List<URI> gateways, Supplier<Registration> registration, HttpClient http, String secret) {
        if (gateways.isEmpty()) {
            throw new IllegalArgumentException("gateways must not be empty");
        }
        this.gateways = gateways.stream().map(GatewayLink::base).toList();
        this.registration = registration;
        this.http = http;
        this.secret = secret;
        this.registered = new boolean[gateways.size()];
        this.refused = new boolean[gateways.size()];
    }

    /** The URL of {@code path} on the current gateway. */
    URI current(String path) {
        lock.lock();
        try {
            return URI.create(gateways.get(current) + path);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Registers with the current gateway unless it already admitted this agent; true when it has. A gateway that
     * refused this agent (wrong secret, other protocol version) is not asked again: it said why once.
     */
    boolean ready() {
        lock.lock();
        try {
            if (registration == null || registered[current]) {
                return true;
            }
            if (refused[current]) {
                return false;
            }
            Outcome o = register(gateways.get(current));
            registered[current] = o == Outcome.ADMITTED;
            refused[current] = o == Outcome.REFUSED;
            return registered[current];
        } finally {
            lock.unlock();
        }
    }

    /** The current gateway failed or refused: move on to the next. */
    void failed() {
        lock.lock();
        try {
            current = (current + 1) % gateways.size();
        } finally {
            lock.unlock();
        }
    }

    /** The current gateway does not know this agent (any more): register again before the next heartbeat. */
    void forget() {
        lock.lock();
        try {
            registered[current] = false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Tries every gateway once, in order (one that already admitted or refused this agent is not asked again);
     * the outcomes in the order of {@code gateways}.
     */
    public List<Outcome> registerEverywhere() {
        List<Outcome> outcomes = new java.util.ArrayList<>();
        lock.lock();
        try {
            for (int i = 0; i < gateways.size(); i++) {
                Outcome o = registered[i] ? Outcome.ADMITTED : refused[i] ? Outcome.REFUSED : register(gateways.get(i));
                registered[i] = o == Outcome.ADMITTED;
                refused[i] = o == Outcome.REFUSED;
                outcomes.add(o);
            }
        } finally {
            lock.unlock();
        }
        return outcomes;
    }

    private Outcome register(URI gateway) {
        Registration r = registration.get();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + AgentProtocol.REGISTRATIONS))
                .timeout(REGISTER_TIMEOUT).header("Content-Type", "application/json")
                .header(AgentProtocol.VERSION_HEADER, Integer.toString(AgentProtocol.VERSION));
        if (secret != null) {
            request.header(AgentProtocol.AUTH_HEADER, AgentProtocol.bearer(secret));
        }
        try {
            HttpResponse<String> answer = http.send(request.POST(HttpRequest.BodyPublishers.ofString(
                    json.writeValueAsString(r))).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() / 100 == 2) {
                log.info("{} - agent {} registered with {} ({}, zone {}, capacity {})", r.region(), r.agentId(), gateway,
                        r.url(), r.zone(), r.capacity());
                return Outcome.ADMITTED;
            }
            log.error("{} - gateway {} refused agent {}: HTTP {} {}", r.region(), gateway, r.agentId(),
                    answer.statusCode(), answer.body());
            return Outcome.REFUSED;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.UNREACHABLE;
        } catch (Exception e) {
            log.warn("{} - gateway {} unreachable for registration: {}", r.region(), gateway, e.toString());
            return Outcome.UNREACHABLE;
        }
    }

    private static URI base(URI gateway) {
        String s = gateway.toString();
        return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    }

    @Override
    public String toString() {
        return gateways.toString();
    }
}
