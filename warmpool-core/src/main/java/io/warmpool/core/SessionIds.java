package io.warmpool.core;

import java.util.Optional;
import java.util.UUID;

/**
 * Session ids that name their region: {@code <prefix><uuid>~<region>}. Any gateway finds such a session with one
 * indexed lookup in the named region's store (then its backup chain, where a fallback placed it), with no shared state
 * and no per-region search. {@code ~} is outside the characters a client may choose for its own ids, so a client id
 * never reads as naming a region by accident; a client that re-sends a generated id keeps its region. Stateless.
 */
public final class SessionIds {
    /** Separates an id from the region it names. */
    public static final char REGION_MARK = '~';

    private SessionIds() {
    }

    /** A new id for a session placed from {@code region}: {@code prefix + uuid + "~" + region}. */
    public static String generate(String prefix, String region) {
        return prefix + UUID.randomUUID() + REGION_MARK + region;
    }

    /** The region {@code sessionId} names, if it names one (its text after the last {@code ~}). */
    public static Optional<String> region(String sessionId) {
        int mark = sessionId.lastIndexOf(REGION_MARK);
        return mark < 0 || mark == sessionId.length() - 1 ? Optional.empty()
                : Optional.of(sessionId.substring(mark + 1));
    }
}
