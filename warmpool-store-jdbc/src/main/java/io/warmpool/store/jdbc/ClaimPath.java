package io.warmpool.store.jdbc;

import io.warmpool.ClaimRequest;
import io.warmpool.Instance;
import io.warmpool.InstanceState;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A store's claims and releases: through its {@link ClaimCombiner} (group commit), or each alone in its own
 * transaction for a fenced view. Thread-safe.
 */
final class ClaimPath implements AutoCloseable {

    private final Dialect dialect;
    private final Transactions tx;
    private final ClaimStatement claims;
    private final Picks picks;
    private final Function<String, Optional<Instance>> findBySession;
    private final ClaimCombiner combiner; // null: every claim and release alone

    ClaimPath(String name, Dialect dialect, Transactions tx, ClaimStatement claims, boolean combine,
              Function<String, Optional<Instance>> findBySession) {
        this.dialect = dialect;
        this.tx = tx;
        this.claims = claims;
        this.picks = new Picks(dialect);
        this.findBySession = findBySession;
        this.combiner = combine ? new ClaimCombiner(name, new CombinedRunner(), dialect.combinerThreads(),
                dialect.combinerBatch(), ClaimCombiner.QUEUE) : null;
    }

    /**
     * The first attempt goes through the {@link ClaimCombiner} (group commit with the shard's other claims and
     * releases). On SQLite the batch settles the claim (it looks the session's own binding up in the same
     * transaction). On PostgreSQL a first attempt that found nothing is settled here: the session's own binding is
     * looked up (stickiness), and the claim is tried again alone, as SKIP LOCKED may have skipped rows that a
     * concurrent claim held.
     */
    Optional<Instance> claim(ClaimRequest request) {
        if (combiner == null) {
            return settle(request, claimAlone(request, 1));
        }
        Optional<Instance> combined = combiner.claim(request);
        return dialect.claimAttempts() == 1 ? combined : settle(request, combined);
    }

    /** The claim's answer from its first attempt's ({@code claimed}: empty when nothing was free, null when bound). */
    private Optional<Instance> settle(ClaimRequest request, Optional<Instance> claimed) {
        for (int attempt = 1; ; attempt++) {
            if (claimed != null && claimed.isPresent()) {
                return claimed;
            }
            Optional<Instance> bound = findBySession.apply(request.sessionId());
            if (bound.isPresent() || claimed == null || attempt >= dialect.claimAttempts()) {
                return bound.filter(i -> i.state() == InstanceState.CLAIMED);
            }
            claimed = claimAlone(request, attempt + 1);
        }
    }

    /** One claim statement in its own transaction: the instance, empty when none was free, null when bound. */
    private Optional<Instance> claimAlone(ClaimRequest request, int attempt) {
        // the first attempt starts at a random pick; a retry reads from the lowest (see ClaimStatement)
        long start = attempt == 1 ? Picks.random() : Long.MIN_VALUE;
        return tx.call("claim", c -> claims.run(c, request, start));
    }

    /** Unbinds {@code sessionId} (see {@link io.warmpool.spi.InstanceStore#release}); the row as it was, or empty. */
    Optional<Instance> release(String sessionId, InstanceState next) {
        Optional<Instance> released = combiner == null ? null : combiner.release(sessionId, next);
        return released != null ? released : releaseAlone(sessionId, next);
    }

    /**
     * One release in its own transaction. On SQLite the read and the write run in one transaction that holds the
     * write lock from its start (IMMEDIATE), so nothing changes the row in between and the release costs one commit.
     */
    private Optional<Instance> releaseAlone(String sessionId, InstanceState next) {
        if (dialect == Dialect.POSTGRES) {
            return tx.call("release", c -> ReleaseStatement.run(c, dialect, sessionId, next, picks.released()));
        }
        return tx.inTransaction("release", c -> ReleaseStatement.run(c, dialect, sessionId, next, picks.released()));
    }

    /** Runs {@code work} on a connection that claims and releases run on. */
    <T> T call(String operation, Transactions.Work<T> work) {
        return tx.call(operation, work);
    }

    /** The combiner, null when every claim runs alone. */
    ClaimCombiner combiner() {
        return combiner;
    }

    /** Stops the combiner; claims still queued fail with "closed". */
    @Override
    public void close() {
        if (combiner != null) {
            combiner.close();
        }
    }

    /** The claim combiner's batches: one transaction each; an operation alone as the store runs it uncombined. */
    private final class CombinedRunner implements ClaimCombiner.Runner {
        @Override
        public void runBatch(List<ClaimCombiner.Op> ops) {
            tx.inTransaction("claims", c -> {
                ClaimBatch.run(c, dialect, claims, picks, ops);
                return null;
            });
        }

        @Override
        public Optional<Instance> runOne(ClaimCombiner.Op op) {
            return op.isClaim() ? settle(op.claim, claimAlone(op.claim, 1)) : releaseAlone(op.sessionId, op.next);
        }

        /** On PostgreSQL a claim or release alone is one auto-committed statement: one round trip, not two. */
        @Override
        public boolean inlineAlone() {
            return dialect == Dialect.POSTGRES;
        }
    }
}
