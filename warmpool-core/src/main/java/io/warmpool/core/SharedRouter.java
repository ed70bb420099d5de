package io.warmpool.core;

import io.warmpool.Instance;
import io.warmpool.PoolExhaustedException;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Routes requests of a shared pool: members are never claimed; a routing key (tenant) goes to the member chosen by
 * rendezvous hashing over the region's warm, fresh members, so a tenant keeps its member while it lives and moves
 * minimally when members come and go. A request that finds no warm member waits for one (a warm miss). Thread-safe.
 */
public final class SharedRouter {
    private static final int RECHECKS = 3;

    /** Where a request goes, and whether it met a warm member at once. */
    public record Route(Instance member, boolean warm) {
    }

    private SharedRouter() {
    }

    public static Route route(RegionPool pool, String tenant) {
        for (int i = 0; i < RECHECKS; i++) {
            Optional<Instance> m = pick(pool, tenant);
            if (m.isPresent() && stillWarm(pool, m.get())) {
                pool.sharedHit(true);
                return new Route(m.get(), true);
            }
            if (m.isEmpty()) {
                break;
            }
        }
        pool.sharedHit(false);
        Optional<Instance> m = pool.awaitMember(() -> pick(pool, tenant).filter(i -> stillWarm(pool, i)));
        if (m.isPresent()) {
            return new Route(m.get(), false);
        }
        throw new PoolExhaustedException(pool.settings().name() + "/" + pool.region()
                + " - no warm member after " + pool.settings().acquireTimeout().toMillis() + "ms (" + pool.counts() + ")",
                Duration.ofSeconds(1));
    }

    private static Optional<Instance> pick(RegionPool pool, String tenant) {
        Map<String, Instance> byId = pool.warmMembers().stream().collect(Collectors.toMap(Instance::id, Function.identity()));
        return RendezvousHash.choose(tenant, byId.keySet()).map(byId::get);
    }

    private static boolean stillWarm(RegionPool pool, Instance member) {
        return pool.isWarm(member.id());
    }
}
