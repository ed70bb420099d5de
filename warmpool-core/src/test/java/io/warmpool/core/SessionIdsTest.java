package io.warmpool.core;

import io.warmpool.testkit.InMemoryInstanceStore;
import io.warmpool.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A generated session id names its region, so any gateway finds the session with one lookup, without hints. */
class SessionIdsTest {
    private static final Duration KEEP = Duration.ofMinutes(1);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));
    private final Map<String, AtomicInteger> lookups = new HashMap<>();
    private final Map<String, Allocator.Region> regions = new HashMap<>();

    private void region(String name, List<String> backups, int maxSize) {
        RegionPool pool = new RegionPool(name, PoolSettings.builder("browser").minIdle(maxSize).maxSize(maxSize)
                .acquireTimeout(Duration.ofMillis(100)).coldStartBudget(Duration.ofMillis(100)).build(),
                new InMemoryInstanceStore(), new FakeProvider(), clock, System::nanoTime, Runnable::run);
        pool.housekeep();
        AtomicInteger n = new AtomicInteger();
        lookups.put(name, n);
        regions.put(name, new Allocator.Region(name, backups, Map.of("browser", pool),
                new RegionHealth(name, () -> Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(10), clock),
                id -> {
                    n.incrementAndGet();
                    return pool.find(id);
                }));
    }

    private int totalLookups() {
        return lookups.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    @Test
    void anIdNamesItsRegionAfterTheLastMark() {
        String id = SessionIds.generate("acme/ws-", "weur");

        assertThat(id).startsWith("acme/ws-").endsWith("~weur");
        assertThat(SessionIds.region(id)).contains("weur");
        assertThat(SessionIds.region("acme/my-own.id")).isEmpty();
        assertThat(SessionIds.region("acme/odd~")).isEmpty();
    }

    @Test
    void anotherGatewayFindsASessionPlacedAtHomeInOneLookup() {
        region("weur", List.of("enam"), 2);
        region("enam", List.of(), 2);
        region("apac", List.of(), 2);
        Allocator placing = new Allocator(regions);
        String id = SessionIds.generate("acme/", "weur");
        placing.acquire("weur", "browser", id, KEEP);
        Allocator other = new Allocator(regions); // no hints: a second gateway
        lookups.values().forEach(n -> n.set(0));

        assertThat(other.holder(id).orElseThrow().region()).isEqualTo("weur");
        assertThat(totalLookups()).isEqualTo(1);
    }

    @Test
    void aSessionAFallbackPlacedIsFoundInItsRegionsBackupChainOnly() {
        region("weur", List.of("enam"), 1);
        region("enam", List.of(), 2);
        region("apac", List.of(), 2);
        Allocator placing = new Allocator(regions);
        placing.acquire("weur", "browser", SessionIds.generate("acme/", "weur"), KEEP); // takes weur's only one
        String id = SessionIds.generate("acme/", "weur");
        assertThat(placing.acquire("weur", "browser", id, KEEP).fallback()).isTrue();
        Allocator other = new Allocator(regions);
        lookups.values().forEach(n -> n.set(0));

        assertThat(other.holder(id).orElseThrow().region()).isEqualTo("enam");
        assertThat(lookups.get("apac").get()).as("never outside the chain").isZero();
        assertThat(totalLookups()).isEqualTo(2);
    }

    @Test
    void anIdNamingARegionIsPlacedThereWhereverTheCallerIs() {
        region("weur", List.of(), 2);
        region("enam", List.of(), 2);
        Allocator allocator = new Allocator(regions);
        String id = SessionIds.generate("acme/", "enam");

        assertThat(allocator.acquire("weur", "browser", id, KEEP).instance().region()).isEqualTo("enam");
        assertThat(allocator.acquire("weur", "browser", id, KEEP).instance().region()).as("sticky").isEqualTo("enam");
    }
}
