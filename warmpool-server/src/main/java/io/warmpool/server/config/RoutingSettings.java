package io.warmpool.server.config;

import io.warmpool.ConfigException;

import java.time.Duration;

/**
 * How callers are routed between regions.
 *
 * @param unknownToDefault a location missing from the map goes to the default region instead of a 400
 * @param staleAfter       a region whose heartbeat queue lag exceeds this sends allocations to its backups
 * @param holdFor          how long the lag must stay under the bound before the region serves again
 */
public record RoutingSettings(boolean unknownToDefault, Duration staleAfter, Duration holdFor) {
    public static final RoutingSettings DEFAULT = new RoutingSettings(false, Duration.ofSeconds(2), Duration.ofSeconds(10));

    public RoutingSettings {
        if (staleAfter == null || staleAfter.isNegative() || staleAfter.isZero()) {
            throw new ConfigException("routing.staleAfter must be a positive duration (staleAfter=" + staleAfter + ")");
        }
        if (holdFor == null || holdFor.isNegative()) {
            throw new ConfigException("routing.holdFor must be zero or positive (holdFor=" + holdFor + ")");
        }
    }
}
