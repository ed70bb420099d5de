package io.warmpool.server.config;

import java.util.List;

/**
 * A region served by this gateway.
 *
 * @param backups the ordered backup chain tried when this region cannot serve
 * @param zones   zones inside the region where its agents run (the first is the default)
 * @param agents  the provider its instances run on: {@code local} (agents this gateway starts) or {@code remote}
 *                (agents on any host that register with the gateways), or any other provider on the class path
 */
public record RegionConfig(String name, List<String> backups, List<String> zones, String agents) {
    public static final String LOCAL = "local";
    public static final String REMOTE = "remote";

    public RegionConfig {
        backups = List.copyOf(backups);
        zones = List.copyOf(zones);
        java.util.Objects.requireNonNull(agents, "agents");
    }

    /** A region with local agents. */
    public RegionConfig(String name, List<String> backups, List<String> zones) {
        this(name, backups, zones, LOCAL);
    }
}
