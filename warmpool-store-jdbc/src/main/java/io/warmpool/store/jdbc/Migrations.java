package io.warmpool.store.jdbc;

import io.warmpool.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The store's schema as an ordered list of versions, applied on open. Each version runs once, in its own
 * transaction, and is recorded in {@code schema_version}; opening an up-to-date store changes nothing, and
 * two stores opening at once apply each version once (the dialect's preamble serializes them).
 * The SQL is plain enough to run unchanged on SQLite and PostgreSQL, but for the dialect's {@code {session_key}}.
 */
final class Migrations {

    record Version(int number, String description, List<String> statements) {
    }

    static final List<Version> VERSIONS = List.of(
            new Version(1, "instances, one row per instance with its session", List.of("""
                    CREATE TABLE instances (
                        id                 TEXT    NOT NULL PRIMARY KEY,
                        region             TEXT    NOT NULL,
                        pool               TEXT    NOT NULL,
                        zone               TEXT,
                        agent_id           TEXT,
                        version            TEXT,
                        state              TEXT    NOT NULL CHECK (state IN
                                                   ('STARTING', 'WARM', 'CLAIMED', 'STOPPING', 'LOST')),
                        session_id         TEXT    UNIQUE,
                        session_expires_at BIGINT,
                        keep_alive_ms      BIGINT  NOT NULL DEFAULT 0,
                        claimed_at         BIGINT,
                        cdp_url            TEXT,
                        agent_url          TEXT,
                        uses               INTEGER NOT NULL DEFAULT 0,
                        started_at         BIGINT,
                        heartbeat_at       BIGINT  NOT NULL,
                        retire_at          BIGINT,
                        pick               BIGINT  NOT NULL
                    )""",
                    // serves the claim: equality on the first three, then candidates in pick order, no sort
                    "CREATE INDEX instances_claim ON instances (pool, state, version, pick)")),
            new Version(2, "zone-aware claims", List.of(
                    // serves a claim's per-zone candidate lists the same way
                    "CREATE INDEX instances_claim_zone ON instances (pool, state, version, zone, pick)")),
            new Version(3, "targeted queries for the hot paths", List.of(
                    // a tenant's sessions are a prefix of the session id: a range of this index ({session_key} is
                    // the dialect's byte-wise session id, see Dialect.sessionKey)
                    "CREATE INDEX instances_session_key ON instances ({session_key})",
                    // the housekeeper's LOST sweep: equality on pool and state, a range on heartbeat_at
                    "CREATE INDEX instances_stale ON instances (pool, state, heartbeat_at)",
                    // idle sessions: equality on pool and state, a range on session_expires_at
                    "CREATE INDEX instances_expiry ON instances (pool, state, session_expires_at)",
                    // recycling: equality on pool and state, a range on retire_at
                    "CREATE INDEX instances_retire ON instances (pool, state, retire_at)",
                    // an agent's instances, when it dies
                    "CREATE INDEX instances_agent ON instances (agent_id)")),
            new Version(4, "leader leases with fencing tokens", List.of(
                    "CREATE TABLE leases (name TEXT NOT NULL PRIMARY KEY, holder TEXT NOT NULL,"
                            + " token BIGINT NOT NULL, expires_at BIGINT NOT NULL)")),
            new Version(5, "liveness per agent; partial indexes for one-state queries", List.of(
                    // one row per agent: its latest beat covers all its instances (see AgentLiveness)
                    "CREATE TABLE agents (agent_id TEXT NOT NULL PRIMARY KEY, heartbeat_at BIGINT NOT NULL)",
                    // the LOST sweep starts from the stale agents
                    "CREATE INDEX agents_stale ON agents (heartbeat_at)",
                    "INSERT INTO agents (agent_id, heartbeat_at) SELECT DISTINCT agent_id, 0 FROM instances"
                            + " WHERE agent_id IS NOT NULL",
                    // instances with an agent are judged by its beat; only agent-less ones by their own heartbeat,
                    // so the sweep's index holds only those (an agent's beat never rewrites its instances' rows)
                    "DROP INDEX instances_stale",
                    "CREATE INDEX instances_stale ON instances (pool, state, heartbeat_at) WHERE agent_id IS NULL",
                    // a claim and a release each change a row's state: the indexes that serve one state only hold
                    // that state's rows, so a claim adds or removes one entry there instead of moving one
                    "DROP INDEX instances_expiry",
                    "CREATE INDEX instances_expiry ON instances (pool, session_expires_at) WHERE state = 'CLAIMED'",
                    "DROP INDEX instances_retire",
                    "CREATE INDEX instances_retire ON instances (pool, retire_at) WHERE state = 'WARM'")),
            new Version(6, "what the gateways on a shard share: rate limits and heartbeat queue lags", List.of(
                    // one row per limited key (tenant and limit): its theoretical arrival time in epoch micros
                    "CREATE TABLE rate_cells (cell TEXT NOT NULL PRIMARY KEY, tat BIGINT NOT NULL)",
                    // one row per gateway: its heartbeat queue's lag for this region, and when it said so
                    "CREATE TABLE gateway_lags (gateway TEXT NOT NULL PRIMARY KEY, lag_ms BIGINT NOT NULL,"
                            + " at BIGINT NOT NULL)")),
            new Version(7, "agent registrations shared by the gateways of a region", List.of(
                    // what an agent registered with (never its secret); null on rows known only from instances
                    "ALTER TABLE agents ADD COLUMN region TEXT",
                    "ALTER TABLE agents ADD COLUMN zone TEXT",
                    "ALTER TABLE agents ADD COLUMN url TEXT",
                    "ALTER TABLE agents ADD COLUMN pools TEXT",
                    "ALTER TABLE agents ADD COLUMN capacity INTEGER",
                    "CREATE INDEX agents_region ON agents (region, heartbeat_at) WHERE region IS NOT NULL")),
            new Version(8, "fewer index entries changed by a claim and a release", List.of(
                    // a claim and a release each rewrite the row and every index entry whose columns or predicate
                    // they change; on SQLite that work is the shard's ceiling (see BENCHMARKS.md §6w). The zone
                    // claim reads WARM rows only: with WARM rows alone in its index, a claim removes one entry and
                    // a release adds one, instead of each moving one
                    "DROP INDEX instances_claim_zone",
                    "CREATE INDEX instances_claim_zone ON instances (pool, version, zone, pick) WHERE state = 'WARM'",
                    // recycling reads WARM rows due by retire_at, which never changes after insert: over every row,
                    // the index is untouched by claims and releases (partial on WARM, each of them moved an entry
                    // at a random place); the query filters the state of the few due rows
                    "DROP INDEX instances_retire",
                    "CREATE INDEX instances_retire ON instances (pool, retire_at)")));

    private static final Logger log = LoggerFactory.getLogger(Migrations.class);

    private Migrations() {
    }

    /**
     * Brings the schema up to the latest version. {@code preamble} runs first in the same transaction (locks,
     * schema creation).
     *
     * @return the schema version after migrating
     */
    static int apply(Connection c, String store, Dialect dialect, List<String> preamble) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            for (String sql : preamble) {
                s.execute(sql);
            }
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY,"
                    + " description TEXT NOT NULL, applied_at BIGINT NOT NULL)");
            int current = current(s);
            int latest = VERSIONS.getLast().number();
            if (current > latest) {
                throw new StoreException(store + " has schema version " + current + ", newer than this build knows ("
                        + latest + "); upgrade warmpool", null, null);
            }
            for (Version v : VERSIONS) {
                if (v.number() <= current) {
                    continue;
                }
                for (String sql : v.statements()) {
                    if (sql.contains("{session_key}") && dialect == Dialect.SQLITE) {
                        continue; // SQLite's UNIQUE index on session_id already compares byte-wise
                    }
                    s.execute(sql.replace("{session_key}", dialect.sessionKey()));
                }
                s.execute("INSERT INTO schema_version (version, description, applied_at) VALUES (" + v.number()
                        + ", '" + v.description().replace("'", "''") + "', " + System.currentTimeMillis() + ")");
                log.info("{} - applied schema version {}: {}", store, v.number(), v.description());
                current = v.number();
            }
            c.commit();
            return current;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static int current(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
