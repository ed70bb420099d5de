package io.warmpool.server.config;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where a request enters (an IATA code such as {@code LHR}) to the region that serves it, and the zones nearest to
 * it. The built-in table follows the per-colo seed: places in South America map to {@code sam}, Africa to
 * {@code afr}, the Middle East to {@code me}, areas with no capacity of their own that map on by fixed rules
 * ({@code sam -> enam}, {@code afr -> eeur}, {@code me -> eeur}); a region with no pool configured maps on by the
 * same kind of rule ({@code wnam <-> enam}, {@code weur <-> eeur}, {@code apac <-> oc}). Entries can be overridden
 * or added per deployment. Immutable and thread-safe.
 */
public final class LocationMap {
    /** Where one location goes. */
    public record Entry(String area, List<String> zones) {
        public Entry {
            zones = List.copyOf(zones);
        }
    }

    public static final Set<String> AREAS = Set.of("wnam", "enam", "weur", "eeur", "apac", "oc", "sam", "afr", "me");
    private static final Map<String, String> NEXT = Map.of("sam", "enam", "afr", "eeur", "me", "eeur",
            "wnam", "enam", "enam", "wnam", "weur", "eeur", "eeur", "weur", "apac", "oc", "oc", "apac");
    private static final Map<String, String> BUILT_IN = builtIn();

    private final Map<String, Entry> entries;

    private LocationMap(Map<String, Entry> entries) {
        this.entries = Map.copyOf(entries);
    }

    private static Map<String, String> builtIn() {
        Map<String, String> m = new HashMap<>();
        put(m, "wnam", "SJC SFO LAX SEA PDX DEN PHX LAS SLC SAN YVR SMF");
        put(m, "enam", "JFK EWR IAD ORD ATL BOS MIA DFW IAH YYZ YUL PHL CLT MSP DTW");
        put(m, "weur", "LHR LGW MAN DUB CDG MRS AMS BRU FRA MUC DUS HAM ZRH GVA MAD BCN LIS MXP FCO CPH OSL ARN");
        put(m, "eeur", "WAW PRG VIE BUD OTP SOF KBP HEL RIX TLL VNO ATH BEG ZAG IST");
        put(m, "apac", "NRT HND KIX ICN SIN HKG TPE BOM DEL MAA BLR BKK KUL CGK MNL SGN PVG PEK");
        put(m, "oc", "SYD MEL BNE PER ADL AKL CHC");
        put(m, "sam", "GRU GIG EZE SCL BOG LIM UIO MVD");
        put(m, "afr", "JNB CPT LOS NBO ACC CAI CMN DAR");
        put(m, "me", "DXB AUH DOH BAH KWI RUH JED TLV AMM");
        return Map.copyOf(m);
    }

    private static void put(Map<String, String> m, String area, String codes) {
        for (String c : codes.split(" ")) {
            m.put(c, area);
        }
    }

    /** The built-in table with {@code overrides} applied on top (codes are case-insensitive). */
    public static LocationMap withOverrides(Map<String, Entry> overrides) {
        Map<String, Entry> merged = new TreeMap<>();
        BUILT_IN.forEach((code, area) -> merged.put(code, new Entry(area, List.of())));
        overrides.forEach((code, entry) -> merged.put(code.toUpperCase(Locale.ROOT), entry));
        return new LocationMap(merged);
    }

    public Optional<Entry> entry(String location) {
        return Optional.ofNullable(entries.get(location.toUpperCase(Locale.ROOT)));
    }

    /**
     * The configured region an area maps to: itself when configured, else along the fixed rules until one is;
     * empty when the rules reach no configured region.
     */
    public static Optional<String> regionFor(String area, Set<String> configured) {
        String at = area;
        for (int hops = 0; hops <= NEXT.size(); hops++) {
            if (configured.contains(at)) {
                return Optional.of(at);
            }
            at = NEXT.get(at);
            if (at == null) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    public Map<String, Entry> entries() {
        return entries;
    }
}
