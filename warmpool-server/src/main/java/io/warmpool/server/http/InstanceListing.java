package io.warmpool.server.http;

import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.server.RegionRuntime;
import io.warmpool.spi.InstanceStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The instances the dashboard lists, filtered and paged by each region's store ({@link InstanceStore#search}: one
 * count and one bounded select per region), regions in order, so that an answer carries at most {@link #MAX_LIMIT}
 * rows however many the shards hold. Stateless.
 */
final class InstanceListing {
    static final int MAX_LIMIT = 2000;

    /** One page of matches; {@code total} counts every match, {@code rows} holds at most the limit. */
    record Page(int total, List<Map<String, Object>> rows) {
    }

    private final Map<String, RegionRuntime> regions;

    InstanceListing(Map<String, RegionRuntime> regions) {
        this.regions = regions;
    }

    /**
     * @param state only this state, or null for every state but GONE
     * @param query only rows whose id, agent, zone, pool or session contains it (any case), or null
     */
    Page page(InstanceState state, String query, int offset, int limit, Instant now) {
        List<Map<String, Object>> rows = new ArrayList<>();
        int total = 0;
        int skip = offset;
        for (RegionRuntime r : regions.values()) {
            InstanceStore.SearchPage found = r.shard().search(state, query, skip, limit - rows.size());
            found.rows().forEach(i -> rows.add(row(r, i, now)));
            total += found.total();
            skip = Math.max(0, skip - found.total());
        }
        return new Page(total, rows);
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
