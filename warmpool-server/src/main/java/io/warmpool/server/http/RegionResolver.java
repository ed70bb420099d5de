package io.warmpool.server.http;

import io.warmpool.InvalidRequestException;
import io.warmpool.core.RegionPool;
import io.warmpool.server.RegionRuntime;
import io.warmpool.server.config.GatewayConfig;
import io.warmpool.server.config.LocationMap;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Turns a caller's location and pool name into the region (and nearest zones) and pool that serve it. Thread-safe. */
final class RegionResolver {
    /** Where a caller is served: a region and, nearest first, the zones inside it closest to the caller. */
    record Placement(RegionRuntime region, List<String> zones) {
    }

    private final GatewayConfig config;
    private final Map<String, RegionRuntime> regions;

    RegionResolver(GatewayConfig config, Map<String, RegionRuntime> regions) {
        this.config = config;
        this.regions = regions;
    }

    RegionRuntime region(String location) {
        return place(location).region();
    }

    /** @param location an IATA code, or null for the gateway's default region */
    Placement place(String location) {
        RegionRuntime fallback = regions.get(config.defaultRegion());
        if (location == null || location.isEmpty()) {
            return new Placement(fallback, List.of());
        }
        if (!location.matches("[A-Za-z]{3}")) {
            throw new InvalidRequestException("invalid_location", "location",
                    "location must be a three-letter IATA code such as LHR (got '" + location + "')");
        }
        Optional<LocationMap.Entry> entry = config.locations().entry(location);
        if (entry.isEmpty()) {
            if (config.routing().unknownToDefault()) {
                return new Placement(fallback, List.of());
            }
            throw new InvalidRequestException("unknown_location", "location", "unknown location '" + location + "'");
        }
        Optional<String> region = LocationMap.regionFor(entry.get().area(), regions.keySet());
        if (region.isEmpty()) {
            if (config.routing().unknownToDefault()) {
                return new Placement(fallback, List.of());
            }
            throw new InvalidRequestException("unknown_location", "location", "location '" + location
                    + "' maps to '" + entry.get().area() + "', and no region this gateway serves stands in for it");
        }
        return new Placement(regions.get(region.get()), entry.get().zones());
    }

    RegionPool pool(RegionRuntime region, String pool) {
        String name = pool == null ? defaultPool() : pool;
        RegionPool p = region.pool(name);
        if (p == null) {
            throw new InvalidRequestException("unknown_pool", "pool", "unknown pool '" + name + "' (known: "
                    + region.pools().keySet().stream().sorted().toList() + ")");
        }
        return p;
    }

    /** The process template of pool {@code pool}, or empty for a browser pool. */
    Optional<io.warmpool.server.config.ProcessPool> processPool(String pool) {
        return Optional.ofNullable(config.processPools().get(pool));
    }

    /** Like {@link #pool}, for what only a browser can do (quick actions, CDP): 400 for a process pool. */
    RegionPool browserPool(RegionRuntime region, String pool) {
        RegionPool p = pool(region, pool);
        if (config.processPools().containsKey(p.settings().name())) {
            throw new InvalidRequestException("not_a_browser_pool", "pool", "pool '" + p.settings().name()
                    + "' runs processes: quick actions and CDP need a browser pool; reach a process through "
                    + "/v1/sessions/{id}/proxy/");
        }
        return p;
    }

    String defaultPool() {
        return config.pools().containsKey("browser") ? "browser" : config.pools().keySet().iterator().next();
    }

    Map<String, RegionRuntime> all() {
        return regions;
    }
}
