package io.warmpool.server.http;

import io.warmpool.InvalidRequestException;
import io.warmpool.core.RegionPool;
import io.warmpool.server.RegionRuntime;
import io.warmpool.server.config.GatewayConfig;

import java.util.Map;

/** Turns a caller's location and pool name into the region and pool that serve it. Thread-safe. */
final class RegionResolver {
    private final GatewayConfig config;
    private final Map<String, RegionRuntime> regions;

    RegionResolver(GatewayConfig config, Map<String, RegionRuntime> regions) {
        this.config = config;
        this.regions = regions;
    }

    /** @param location an IATA code, or null for the gateway's default region */
    RegionRuntime region(String location) {
        if (location == null || location.isEmpty()) {
            return regions.get(config.defaultRegion());
        }
        if (!location.matches("[A-Za-z]{3}")) {
            throw new InvalidRequestException("invalid_location", "location",
                    "location must be a three-letter IATA code such as LHR (got '" + location + "')");
        }
        String region = config.locations().region(location).orElseThrow(() -> new InvalidRequestException(
                "unknown_location", "location", "unknown location '" + location + "'"));
        RegionRuntime runtime = regions.get(region);
        if (runtime == null) {
            throw new InvalidRequestException("unknown_location", "location", "location '" + location
                    + "' maps to region '" + region + "', which this gateway does not serve");
        }
        return runtime;
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

    String defaultPool() {
        return config.pools().containsKey("browser") ? "browser" : config.pools().keySet().iterator().next();
    }

    Map<String, RegionRuntime> all() {
        return regions;
    }
}
