package io.warmpool.spi;

import io.warmpool.AgentBeat;
import io.warmpool.ClaimRequest;
import io.warmpool.HeartbeatReport;
import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.LeaderTerm;
import io.warmpool.PoolCounts;
import io.warmpool.RateLimit;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The source of truth for one region's instances and who holds them (one shard per region).
 * Every method is one transaction. Implementations are thread-safe. Times are passed in, never read
 * from a clock, so that callers decide what "now" is.
 */
public interface InstanceStore extends AutoCloseable {

    /** Records a new instance (normally in {@code STARTING}). Fails if the id exists. */
    void insert(Instance instance);

    /**
     * Flips a {@code STARTING} instance to {@code WARM} with its endpoints.
     *
     * @return false when the instance is no longer STARTING (it was lost or stopped meanwhile)
     */
    boolean markWarm(String instanceId, String cdpUrl, String agentUrl, Instant now);

    /**
     * Atomically claims one warm, fresh instance for {@code request.sessionId()}: chooses randomly among
     * the best {@code candidates} and flips it to CLAIMED in one conditional statement. Two callers can
     * never get the same instance.
     *
     * @return the claimed instance, or empty when no candidate was warm
     */
    Optional<Instance> claim(ClaimRequest request);

    /** The instance bound to {@code sessionId}, in whatever state (CLAIMED or LOST). */
    Optional<Instance> findBySession(String sessionId);

    Optional<Instance> find(String instanceId);

    /** Pushes a session's idle expiry forward; false when the session is not CLAIMED any more. */
    boolean touchSession(String sessionId, Instant expiresAt);

    /**
     * Unbinds {@code sessionId} and moves its instance to {@code next} (STARTING while it is reset,
     * WARM when it can be reused as is, STOPPING when it is recycled, GONE to delete a LOST one).
     *
     * @return the instance as it was before the release, or empty when no such session
     */
    Optional<Instance> release(String sessionId, InstanceState next);

    /**
     * Moves an instance from {@code from} to {@code to}; {@code to == GONE} deletes its row.
     *
     * @return false when it was not in {@code from}
     */
    boolean transition(String instanceId, InstanceState from, InstanceState to);

    /**
     * Writes a batch of heartbeats in one transaction: each refreshes its instance's heartbeat time;
     * a report with {@code alive=false} marks a live instance LOST. Reports for unknown or gone instances
     * are ignored.
     *
     * @return how many rows changed
     */
    int applyHeartbeats(Collection<HeartbeatReport> reports);

    /**
     * Writes one heartbeat batch in one transaction: first each agent beat (the agent was alive at its time; one row
     * per agent, created when missing, never moved backwards), then the instance reports as
     * {@link #applyHeartbeats} does. An instance whose agent beat is recent is fresh without a row of its own being
     * written: a claim, {@link #warmMembers} and {@link #markLost} judge an instance by the later of its own heartbeat
     * and its agent's beat.
     *
     * @return how many rows changed (agent rows plus instance rows)
     */
    int applyBeats(Collection<AgentBeat> agents, Collection<HeartbeatReport> instances);

    /**
     * Marks LOST every STARTING/WARM/CLAIMED instance whose last heartbeat, and its agent's last beat, are before
     * {@code staleBefore}. Served by indexes on the agents' beats and on agent-less instances' heartbeats, so its cost
     * follows the stale agents and instances, not the shard.
     */
    List<Instance> markLost(String pool, Instant staleBefore);

    /**
     * Forgets the agents whose last beat is before {@code silentBefore} and that own no instance any more (an agent
     * is recorded when its first instance is inserted and never removed otherwise, so a fleet that comes and goes
     * would grow the agents without bound). An agent that still owns an instance is kept whatever its age: the LOST
     * sweep finds that instance through it. Served by the index on agents' beats; the housekeeping calls it.
     * Stores that keep no per-agent rows have nothing to forget (the default).
     *
     * @return how many agents were forgotten
     */
    default int pruneAgents(Instant silentBefore) {
        return 0;
    }

    /** CLAIMED instances whose session expires before {@code now}. */
    List<Instance> expiredSessions(String pool, Instant now);

    /**
     * Every instance of {@code pool} (any state but GONE); {@code pool == null} means all pools. A whole-shard read:
     * for dashboards, tools and tests only, never on a request or housekeeping path (use the targeted queries below).
     */
    List<Instance> list(String pool);

    /**
     * One page of the instances an operator looks for, for dashboards: those in {@code state} (null: any but GONE)
     * whose id, agent, zone, pool or session id contains {@code text} (case-insensitive; null or blank: any), ordered
     * by id, {@code offset} skipped, at most {@code limit}; with how many match in all. The store filters and counts
     * in place, so an answer carries at most {@code limit} rows whatever the shard holds. The default filters
     * {@link #list(String)} in memory: fine for small stores and fakes, a whole-shard read for large ones.
     */
    default SearchPage search(io.warmpool.InstanceState state, String text, int offset, int limit) {
        String q = text == null || text.isBlank() ? null : text.toLowerCase(java.util.Locale.ROOT);
        List<Instance> matches = list(null).stream()
                .filter(i -> state == null ? i.state() != io.warmpool.InstanceState.GONE : i.state() == state)
                .filter(i -> q == null || java.util.stream.Stream.of(i.id(), i.agentId(), i.zone(), i.pool(), i.sessionId())
                        .anyMatch(f -> f != null && f.toLowerCase(java.util.Locale.ROOT).contains(q)))
                .sorted(java.util.Comparator.comparing(Instance::id)).toList();
        return new SearchPage(matches.size(), matches.stream().skip(offset).limit(limit).toList());
    }

    /** An answer of {@link #search}: how many matched in all, and the page of them asked for. */
    record SearchPage(int total, List<Instance> rows) {
    }

    // The targeted queries: each is served by an index and reads only the rows it returns.

    /**
     * Instances bound to a session whose id starts with {@code sessionIdPrefix} (CLAIMED or LOST), ordered by session
     * id, at most {@code limit}. A tenant's sessions are the ids starting with {@code "tenant/"}.
     */
    List<Instance> sessions(String sessionIdPrefix, int limit);

    /** How many instances are bound to a session whose id starts with {@code sessionIdPrefix}. */
    int countSessions(String sessionIdPrefix);

    /** Up to {@code limit} LOST instances of {@code pool}, for clean-up. */
    List<Instance> lost(String pool, int limit);

    /** Up to {@code limit} WARM instances of {@code pool} whose {@code retireAt} is at or before {@code now}. */
    List<Instance> dueForRecycle(String pool, Instant now, int limit);

    /**
     * Up to {@code limit} WARM instances of {@code pool}, in no particular order: what the housekeeper retires when
     * the warm set is above its target.
     */
    List<Instance> idle(String pool, int limit);

    /** The instances (any state but GONE) owned by agent {@code agentId}. */
    List<Instance> byAgent(String agentId);

    /**
     * WARM instances of {@code pool} and {@code version} whose last heartbeat is at or after {@code freshAfter}, at
     * most {@code limit}, ordered by id: the members a shared pool's rendezvous hashing chooses among.
     */
    List<Instance> warmMembers(String pool, String version, Instant freshAfter, int limit);

    PoolCounts counts(String pool);

    /**
     * The counts of {@code pool}, each state counted up to {@code atMost} (a larger count reads as {@code atMost}):
     * one index range of at most {@code atMost} entries per state, where {@link #counts} reads the whole pool. What
     * the housekeeper and acquirers ask before they start or retire instances.
     */
    PoolCounts counts(String pool, int atMost);

    // What the gateways sharing this shard share besides instances: rate limits and their heartbeat queues' lag.

    /**
     * Takes one from the rate cell {@code key} (a tenant's limit, say) at {@code now}, checking and advancing it in one
     * conditional statement (see {@link RateLimit}), so that every gateway on this shard takes from the same bucket.
     * Cells are created on first use and are a few bytes each; keys come from configuration, not from callers.
     *
     * @return {@link Duration#ZERO} when taken, otherwise how long until a take would pass (nothing was taken)
     */
    Duration takeRate(String key, RateLimit limit, Instant now);

    /** What the rate cell {@code key} allows at {@code now}, without taking. */
    RateLimit.Allowance peekRate(String key, RateLimit limit, Instant now);

    /**
     * Records {@code gateway}'s heartbeat queue lag for this region at {@code now} (one row per gateway, replaced on
     * each call), and forgets rows not refreshed for {@link #FORGET_LAGS_AFTER}.
     */
    void publishLag(String gateway, Duration lag, Instant now);

    /** The largest lag published at or after {@code liveAfter} (rows of dead gateways age out); zero when none. */
    Duration worstLag(Instant liveAfter);

    /**
     * Records (or replaces) an agent's registration so that every gateway of the region can place starts on it, and
     * counts it as heard from at {@code now} (its beat only moves forward, as {@link #applyBeats} moves it).
     */
    void registerAgent(io.warmpool.AgentRegistration agent, Instant now);

    /**
     * The registered agents of {@code region} whose latest beat (registration or heartbeat) is at or after
     * {@code liveAfter}, by agent id. Agents known only from their instances' rows are not registered.
     */
    List<io.warmpool.AgentRegistration> liveAgents(String region, Instant liveAfter);

    /** How long a gateway's lag row stays after its last publish before a publish deletes it. */
    Duration FORGET_LAGS_AFTER = Duration.ofHours(1);

    // One leader per region: a lease row in the shard, with a fencing token.

    /**
     * Takes or renews the lease named {@code lease} for {@code holder}, in one transaction: granted when no one holds
     * it, when its term expired at or before {@code now}, or when {@code holder} already holds it. A renewal keeps the
     * token; a change of holder increments it. The new term ends at {@code now + period}.
     *
     * @return the term now held, or empty when another holder's term is still running
     */
    Optional<LeaderTerm> lead(String lease, String holder, Instant now, Duration period);

    /**
     * Takes the lease for {@code holder} whoever holds it, with a new token: for a holder that knows it is alone
     * (an embedded store behind a data-directory lock) and must not wait for a dead predecessor's term to run out.
     */
    LeaderTerm seize(String lease, String holder, Instant now, Duration period);

    /** Ends {@code holder}'s term now if it still holds {@code token}, so that another can lead at once. */
    void resign(String lease, String holder, long token);

    /**
     * A view of this store whose every call first checks, in the same transaction, that lease {@code lease} still has
     * the token {@code token} returns; when it does not, the call writes nothing and throws
     * {@link io.warmpool.LeaseLostException}. A check and the write it guards cannot interleave with a take-over, so a
     * paused leader that wakes up cannot act on a lease it lost. Closing the view does not close this store.
     */
    InstanceStore fenced(String lease, LongSupplier token);

    @Override
    void close();
}
