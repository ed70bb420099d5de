package io.warmpool.server.http;

import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.server.RegionRuntime;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The instances the dashboard lists, filtered and bounded: each region's rows are read from its store at most once
 * per {@link #MAX_AGE} however many dashboards poll, and an answer carries at most {@link #MAX_LIMIT} rows (with the
 * total that matched). Thread-safe.
 */
final class InstanceListing {
    static final Duration MAX_AGE = Duration.ofSeconds(1);
    static final int MAX_LIMIT = 2000;

    /** One page of matches; {@code total} counts every match, {@code rows} holds at most the limit. */
    record Page(int total, List<Map<String, Object>> rows) {
    }

    private record Snapshot(long readAt, List<Instance> rows) {
    }

    private final Map<String, RegionRuntime> regions;
    private final LongSupplier ticker;
    private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();

    /** @param ticker a nanosecond ticker ({@code System::nanoTime}) */
    InstanceListing(Map<String, RegionRuntime> regions, LongSupplier ticker) {
        this.regions = regions;
        this.ticker = ticker;
    }

    /**
     * @param state  only this state (case-insensitive), or null for every state but GONE
     * @param query  only rows where id, agent, zone, pool, region or session contains it, or null
     */
    Page page(String state, String query, int offset, int limit, Instant now) {
        String q = query == null || query.isBlank() ? null : query.toLowerCase(Locale.ROOT);
        List<Map<String, Object>> rows = new ArrayList<>();
        int total = 0;
        for (RegionRuntime r : regions.values()) {
            for (Instance i : rows(r)) {
                if (i.state() == InstanceState.GONE || (state != null && !i.state().name().equalsIgnoreCase(state))
                        || (q != null && !matches(i, q))) {
                    continue;
                }
                if (total >= offset && rows.size() < limit) {
                    rows.add(row(r, i, now));
                }
                total++;
            }
        }
        return new Page(total, rows);
    }

    private List<Instance> rows(RegionRuntime r) {
        long now = ticker.getAsLong();
        Snapshot s = snapshots.compute(r.name(), (name, old) -> old != null && now - old.readAt() < MAX_AGE.toNanos()
                ? old : new Snapshot(now, r.shard().snapshot(null)));
        return s.rows();
    }

    private static boolean matches(Instance i, String q) {
        for (String field : new String[] {i.id(), i.agentId(), i.zone(), i.pool(), i.region(), i.sessionId(),
                i.state().name()}) {
            if (field != null && field.toLowerCase(Locale.ROOT).contains(q)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Object> row(RegionRuntime r, Instance i, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", i.id());
        m.put("region", r.name());
        m.put("pool", i.pool());
        m.put("state", i.state().name().toLowerCase(Locale.ROOT));
        m.put("agent", i.agentId());
        m.put("zone", i.zone());
        m.put("uses", i.uses());
        m.put("ageSeconds", i.startedAt() == null ? null : Duration.between(i.startedAt(), now).toSeconds());
        m.put("session", i.sessionId() == null ? null : Access.external(i.sessionId()));
        m.put("tenant", i.sessionId() == null ? null : Access.tenantOf(i.sessionId()));
        m.put("expiresAt", i.sessionExpiresAt() == null ? null : i.sessionExpiresAt().toString());
        var pool = r.pools().get(i.pool());
        m.put("drained", pool != null && pool.drains().covers(i));
        return m;
    }
}
