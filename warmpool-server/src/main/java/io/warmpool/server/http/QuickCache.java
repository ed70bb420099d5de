package io.warmpool.server.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Successful quick-action answers kept for {@code cacheTTL} seconds, keyed by tenant, action, pool, location and the
 * validated body (Cloudflare's {@code ?cacheTTL}: default 5 s on its paths, 0 disables, at most 86,400 s; bodies with
 * {@code html} are never cached). Bounded in entries and bytes: past either bound the oldest entries go. Time comes
 * from an injected nanosecond ticker. Thread-safe.
 */
final class QuickCache {
    static final int MAX_TTL_SECONDS = 86_400;

    private record Entry(QuickAnswer answer, long expiresAtNanos) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Entry> entries = new LinkedHashMap<>(); // guarded by lock; oldest first
    private long bytes; // guarded by lock
    private final int maxEntries;
    private final long maxBytes;
    private final LongSupplier ticker;

    QuickCache(int maxEntries, long maxBytes, LongSupplier ticker) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.ticker = ticker;
    }

    static String key(String tenant, String action, String pool, String location, byte[] validatedBody) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (String part : new String[]{tenant, action, pool, location == null ? "" : location}) {
                d.update(part.getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
            }
            return HexFormat.of().formatHex(d.digest(validatedBody));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Optional<QuickAnswer> get(String key) {
        lock.lock();
        try {
            Entry e = entries.get(key);
            if (e == null) {
                return Optional.empty();
            }
            if (ticker.getAsLong() - e.expiresAtNanos() >= 0) {
                remove(key);
                return Optional.empty();
            }
            return Optional.of(e.answer());
        } finally {
            lock.unlock();
        }
    }

    void put(String key, QuickAnswer answer, Duration ttl) {
        if (ttl.isZero() || answer.body().length > maxBytes / 4) {
            return;
        }
        lock.lock();
        try {
            remove(key);
            entries.put(key, new Entry(answer, ticker.getAsLong() + ttl.toNanos()));
            bytes += answer.body().length;
            Iterator<Map.Entry<String, Entry>> oldest = entries.entrySet().iterator();
            while ((entries.size() > maxEntries || bytes > maxBytes) && oldest.hasNext()) {
                bytes -= oldest.next().getValue().answer().body().length;
                oldest.remove();
            }
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }

    private void remove(String key) {
        Entry old = entries.remove(key);
        if (old != null) {
            bytes -= old.answer().body().length;
        }
    }
}
