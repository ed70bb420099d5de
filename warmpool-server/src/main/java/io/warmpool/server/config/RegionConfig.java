package io.warmpool.server.config;

import java.util.List;

/**
 * A region served by this gateway.
 *
 * @param backups the ordered backup chain tried when this region cannot serve
 * @param zones   zones inside the region where its agents run (the first is the default)
 */
public record RegionConfig(String name, List<String> backups, List<String> zones) {
    public RegionConfig {
        backups = List.copyOf(backups);
        zones = List.copyOf(zones);
    }
}
