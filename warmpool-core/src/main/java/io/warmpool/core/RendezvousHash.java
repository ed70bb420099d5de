package io.warmpool.core;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Optional;

/**
 * Highest-random-weight (rendezvous) hashing: a key goes to the member with the highest hash of (key, member). When a
 * member leaves, only its keys move; when one joins, it takes only the keys it now wins. Stateless.
 */
public final class RendezvousHash {
    private RendezvousHash() {
    }

    public static Optional<String> choose(String key, Collection<String> members) {
        String best = null;
        long bestWeight = 0;
        for (String m : members) {
            long w = weight(key, m);
            if (best == null || Long.compareUnsigned(w, bestWeight) > 0
                    || (w == bestWeight && m.compareTo(best) < 0)) {
                best = m;
                bestWeight = w;
            }
        }
        return Optional.ofNullable(best);
    }

    /** 64-bit FNV-1a over key, a separator and member, finished with the murmur3 mixer. */
    static long weight(String key, String member) {
        long h = 0xcbf29ce484222325L;
        h = fnv(h, key.getBytes(StandardCharsets.UTF_8));
        h = (h ^ 0xff) * 0x100000001b3L;
        h = fnv(h, member.getBytes(StandardCharsets.UTF_8));
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    private static long fnv(long h, byte[] bytes) {
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
