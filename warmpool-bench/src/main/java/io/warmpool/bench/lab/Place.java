package io.warmpool.bench.lab;

import java.time.Duration;

/**
 * The three places of the lab, each a warmpool region with one airport code a caller there sends, and the
 * round-trip times the lab puts between them (loopback plus a {@link Relay}).
 */
enum Place {
    WEUR("weur", "LHR"),
    ENAM("enam", "IAD"),
    APAC("apac", "NRT");

    /** Inside one region: caller to gateway, gateway to browser. */
    static final Duration INSIDE = Duration.ofMillis(2);

    private final String region;
    private final String location;

    Place(String region, String location) {
        this.region = region;
        this.location = location;
    }

    String region() {
        return region;
    }

    String location() {
        return location;
    }

    static Place of(String region) {
        for (Place p : values()) {
            if (p.region.equals(region)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no place for region " + region);
    }

    /** Round-trip time between two places: weur-enam 80 ms, weur-apac 150 ms, enam-apac 120 ms, 2 ms inside one. */
    static Duration rtt(Place a, Place b) {
        if (a == b) {
            return INSIDE;
        }
        int pair = (1 << a.ordinal()) | (1 << b.ordinal());
        return switch (pair) {
            case 0b011 -> Duration.ofMillis(80);  // weur <-> enam
            case 0b101 -> Duration.ofMillis(150); // weur <-> apac
            case 0b110 -> Duration.ofMillis(120); // enam <-> apac
            default -> throw new IllegalStateException("pair " + a + "/" + b);
        };
    }
}
