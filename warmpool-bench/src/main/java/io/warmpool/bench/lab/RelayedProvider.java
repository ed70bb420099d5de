package io.warmpool.bench.lab;

import io.warmpool.Instance;
import io.warmpool.ProviderException;
import io.warmpool.spi.InstanceProvider;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Wraps a region's provider so that each instance seems to run in some {@link Place}: its {@code cdpUrl} is
 * rewritten to go through a {@link Relay} adding the round-trip time between the gateway's place and the
 * instance's. {@code placer} decides each new instance's place (the region itself for regional pairing; spread
 * over all places for the uncoordinated seed placement). Every relay is closed when its instance stops or the
 * provider closes. Thread-safe.
 */
final class RelayedProvider implements InstanceProvider {
    private final Place gateway;
    private final InstanceProvider inner;
    private final Function<Instance, Place> placer;
    private final Map<String, Relay> relays = new ConcurrentHashMap<>();
    private final Map<String, Place> placed = new ConcurrentHashMap<>();

    RelayedProvider(Place gateway, InstanceProvider inner, Function<Instance, Place> placer) {
        this.gateway = gateway;
        this.inner = inner;
        this.placer = placer;
    }

    InstanceProvider inner() {
        return inner;
    }

    /** Where instance {@code id} was placed, if this provider started it. */
    Optional<Place> placeOf(String id) {
        return Optional.ofNullable(placed.get(id));
    }

    @Override
    public Placement place(String region, String pool) {
        return inner.place(region, pool);
    }

    @Override
    public Started start(Instance instance) {
        Started started = inner.start(instance);
        Place where = placer.apply(instance);
        URI cdp = URI.create(started.cdpUrl());
        Relay relay;
        try {
            relay = new Relay(cdp.getHost(), cdp.getPort(), Place.rtt(gateway, where));
        } catch (RuntimeException e) {
            inner.stop(instance);
            throw new ProviderException(instance.pool() + "/" + instance.region() + " - no relay for " + instance.id(), e);
        }
        Relay old = relays.put(instance.id(), relay);
        if (old != null) {
            old.close();
        }
        placed.put(instance.id(), where);
        String path = cdp.getRawPath() + (cdp.getRawQuery() == null ? "" : "?" + cdp.getRawQuery());
        return new Started(cdp.getScheme() + "://" + relay.hostPort() + path, started.agentUrl());
    }

    @Override
    public void stop(Instance instance) {
        try {
            inner.stop(instance);
        } finally {
            Relay relay = relays.remove(instance.id());
            if (relay != null) {
                relay.close();
            }
        }
    }

    @Override
    public boolean reset(Instance instance) {
        return inner.reset(instance);
    }

    @Override
    public boolean ping(Instance instance) {
        return inner.ping(instance);
    }

    @Override
    public boolean admits(String agentId) {
        return inner.admits(agentId);
    }

    @Override
    public void close() {
        try {
            inner.close();
        } finally {
            for (Relay r : List.copyOf(relays.values())) {
                r.close();
            }
            relays.clear();
        }
    }
}
