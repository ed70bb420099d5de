package io.warmpool.testkit;

import io.warmpool.Instance;
import io.warmpool.InstanceState;

import java.time.Instant;

/** One instance's mutable state in an {@link InMemoryInstanceStore}; only touched with the store's lock held. */
final class MemoryRow {
    final String id;
    final String region;
    final String pool;
    final String zone;
    final String agentId;
    final String version;
    final Instant startedAt;
    final Instant retireAt;
    InstanceState state;
    String sessionId;
    String cdpUrl;
    String agentUrl;
    int uses;
    Instant heartbeatAt;
    Instant claimedAt;
    Instant sessionExpiresAt;
    long keepAliveMillis;
    long pick;

    MemoryRow(Instance i, long pick) {
        id = i.id();
        region = i.region();
        pool = i.pool();
        zone = i.zone();
        agentId = i.agentId();
        version = i.version();
        state = i.state();
        sessionId = i.sessionId();
        cdpUrl = i.cdpUrl();
        agentUrl = i.agentUrl();
        uses = i.uses();
        startedAt = millis(i.startedAt());
        heartbeatAt = millis(i.heartbeatAt());
        claimedAt = millis(i.claimedAt());
        sessionExpiresAt = millis(i.sessionExpiresAt());
        keepAliveMillis = i.keepAliveMillis();
        retireAt = millis(i.retireAt());
        this.pick = pick;
    }

    private static Instant millis(Instant t) {
        return t == null ? null : Instant.ofEpochMilli(t.toEpochMilli());
    }

    Instance toInstance() {
        return new Instance(id, region, pool, zone, agentId, version, state, sessionId, cdpUrl, agentUrl, uses,
                startedAt, heartbeatAt, claimedAt, sessionExpiresAt, keepAliveMillis, retireAt);
    }
}
