package io.warmpool.server.config;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where a request enters (an IATA code such as {@code LHR}) to the region that serves it. Built-in entries can be
 * overridden or extended per deployment. Immutable and thread-safe.
 */
public final class LocationMap {
    private static final Map<String, String> BUILT_IN = Map.ofEntries(
            Map.entry("LHR", "weur"), Map.entry("CDG", "weur"), Map.entry("AMS", "weur"), Map.entry("FRA", "weur"),
            Map.entry("MAD", "weur"), Map.entry("DUB", "weur"), Map.entry("MXP", "weur"), Map.entry("ZRH", "weur"),
            Map.entry("JFK", "enam"), Map.entry("IAD", "enam"), Map.entry("ORD", "enam"), Map.entry("ATL", "enam"),
            Map.entry("BOS", "enam"), Map.entry("MIA", "enam"), Map.entry("YYZ", "enam"), Map.entry("EWR", "enam"));

    private final Map<String, String> entries;

    private LocationMap(Map<String, String> entries) {
        this.entries = Map.copyOf(entries);
    }

    /** The built-in map with {@code overrides} applied on top (codes are case-insensitive). */
    public static LocationMap withOverrides(Map<String, String> overrides) {
        Map<String, String> merged = new TreeMap<>(BUILT_IN);
        overrides.forEach((code, region) -> merged.put(code.toUpperCase(Locale.ROOT), region));
        return new LocationMap(merged);
    }

    public Optional<String> region(String location) {
        return Optional.ofNullable(entries.get(location.toUpperCase(Locale.ROOT)));
    }

    public Map<String, String> entries() {
        return entries;
    }
}
