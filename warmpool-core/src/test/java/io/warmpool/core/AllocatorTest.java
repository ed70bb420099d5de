package io.warmpool.core;

import io.warmpool.PoolExhaustedException;
import io.warmpool.spi.PoolMetrics;
import io.warmpool.testkit.InMemoryInstanceStore;
import io.warmpool.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AllocatorTest {
    private static final Duration KEEP = Duration.ofMinutes(1);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));
    private final Map<String, AtomicReference<Duration>> lag = new HashMap<>();
    private final Map<String, RegionPool> pools = new HashMap<>();
    private final Map<String, FakeProvider> providers = new HashMap<>();

    private Allocator.Region region(String name, List<String> backups, PoolSettings settings) {
        FakeProvider provider = new FakeProvider();
        providers.put(name, provider);
        RegionPool pool = new RegionPool(name, settings, new InMemoryInstanceStore(), provider, clock, System::nanoTime,
                Runnable::run);
        pools.put(name, pool);
        AtomicReference<Duration> l = new AtomicReference<>(Duration.ZERO);
        lag.put(name, l);
        pool.housekeep();
        return new Allocator.Region(name, backups, Map.of("browser", pool),
                new RegionHealth(name, l::get, Duration.ofSeconds(2), Duration.ofSeconds(10), clock));
    }

    private static PoolSettings.Builder browser() {
        return PoolSettings.builder("browser").minIdle(1).maxSize(1).acquireTimeout(Duration.ofMillis(100))
                .coldStartBudget(Duration.ofMillis(100));
    }

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final PoolMetrics recording = new PoolMetrics() {
        @Override
        public void acquired(String region, String pool, AcquireOutcome outcome, Duration took) {
            events.add("acquired " + region + "/" + pool + " " + outcome.label());
        }

        @Override
        public void fallback(String region, String backup, String reason) {
            events.add("fallback " + region + "->" + backup + " " + reason);
        }
    };

    private Allocator allocator(Allocator.Region... regions) {
        Map<String, Allocator.Region> m = new HashMap<>();
        for (Allocator.Region r : regions) {
            m.put(r.name(), r);
        }
        return new Allocator(m, recording, System::nanoTime);
    }

    @Test
    void everyAcquireReportsItsOutcomeAndEveryFallbackItsBackupAndReason() {
        Allocator a = allocator(region("weur", List.of("enam"), browser().maxSize(2).build()),
                region("enam", List.of("weur"), browser().build()));
        a.acquire("weur", "browser", "warm", KEEP);
        a.acquire("weur", "browser", "cold", KEEP);
        a.acquire("weur", "browser", "fallback", KEEP);
        assertThatThrownBy(() -> a.acquire("weur", "browser", "none", KEEP)).isInstanceOf(PoolExhaustedException.class);

        assertThat(events).containsExactly("acquired weur/browser warm", "acquired weur/browser cold",
                "fallback weur->enam exhausted", "acquired weur/browser fallback", "acquired weur/browser exhausted");
    }

    @Test
    void aDrainedRegionSendsNewCallersToItsBackupAndKeepsItsSessions() {
        Allocator a = allocator(region("weur", List.of("enam"), browser().build()),
                region("enam", List.of("weur"), browser().build()));
        Lease before = a.acquire("weur", "browser", "s1", KEEP);
        pools.get("weur").drains().drainRegion(true);

        Lease after = a.acquire("weur", "browser", "s2", KEEP);

        assertThat(after.instance().region()).isEqualTo("enam");
        assertThat(a.fallbacks("weur")).containsEntry(FallbackReason.DRAINED, 1L);
        assertThat(events).contains("fallback weur->enam drained");
        assertThat(a.acquire("weur", "browser", "s1", KEEP).instance().id()).isEqualTo(before.instance().id());
    }

    @Test
    void aCallerIsServedInItsOwnRegion() {
        Allocator a = allocator(region("weur", List.of("enam"), browser().build()),
                region("enam", List.of("weur"), browser().build()));

        Lease lease = a.acquire("weur", "browser", "s1", KEEP);

        assertThat(lease.instance().region()).isEqualTo("weur");
        assertThat(lease.fallback()).isFalse();
    }

    @Test
    void anExhaustedRegionFallsBackToTheFirstBackupWithAWarmInstanceAndReturnsWhenItRecovers() {
        Allocator a = allocator(region("weur", List.of("eeur", "enam"), browser().build()),
                region("eeur", List.of("weur"), browser().minIdle(0).build()),
                region("enam", List.of("weur"), browser().build()));
        a.acquire("weur", "browser", "holder", KEEP);

        Lease lease = a.acquire("weur", "browser", "s2", KEEP);

        assertThat(lease.instance().region()).as("eeur has none warm, enam has").isEqualTo("enam");
        assertThat(lease.fallback()).isTrue();
        assertThat(a.fallbacks("weur")).containsEntry(FallbackReason.EXHAUSTED, 1L);

        pools.get("weur").release("holder", true);
        Lease back = a.acquire("weur", "browser", "s3", KEEP);
        assertThat(back.instance().region()).isEqualTo("weur");
        assertThat(back.fallback()).isFalse();
    }

    @Test
    void aFallbackNeverCascadesPastTheChain() {
        Allocator a = allocator(region("weur", List.of("eeur"), browser().build()),
                region("eeur", List.of("enam"), browser().minIdle(0).build()),
                region("enam", List.of("weur"), browser().build()));
        a.acquire("weur", "browser", "holder", KEEP);

        assertThatThrownBy(() -> a.acquire("weur", "browser", "s2", KEEP))
                .isInstanceOf(PoolExhaustedException.class).hasMessageContaining("browser/weur");
        assertThat(pools.get("enam").counts().claimed()).as("enam is not in weur's chain").isZero();
    }

    @Test
    void aRegionThatCanStartWithinItsBudgetServesColdRatherThanFallingBack() {
        Allocator a = allocator(region("weur", List.of("enam"), browser().maxSize(2).build()),
                region("enam", List.of("weur"), browser().build()));
        a.acquire("weur", "browser", "holder", KEEP);

        Lease lease = a.acquire("weur", "browser", "s2", KEEP);

        assertThat(lease.instance().region()).isEqualTo("weur");
        assertThat(lease.warm()).isFalse();
        assertThat(lease.fallback()).isFalse();
    }

    @Test
    void aStaleRegionFallsBackToItsBackupUntilItHasBeenFreshForTheHoldTime() {
        Allocator a = allocator(region("weur", List.of("enam"), browser().maxSize(3).minIdle(3).build()),
                region("enam", List.of("weur"), browser().maxSize(3).minIdle(3).build()));
        lag.get("weur").set(Duration.ofSeconds(5));

        Lease during = a.acquire("weur", "browser", "s1", KEEP);
        assertThat(during.instance().region()).isEqualTo("enam");
        assertThat(a.fallbacks("weur")).containsEntry(FallbackReason.STALE, 1L);

        lag.get("weur").set(Duration.ZERO);
        assertThat(a.acquire("weur", "browser", "s2", KEEP).instance().region()).as("inside the hold").isEqualTo("enam");
        clock.advance(Duration.ofSeconds(10));
        Lease after = a.acquire("weur", "browser", "s3", KEEP);
        assertThat(after.instance().region()).isEqualTo("weur");
        assertThat(after.fallback()).isFalse();
    }

    @Test
    void aSessionIdIsStickyAcrossRegions() {
        Allocator a = allocator(region("weur", List.of("enam"), browser().build()),
                region("enam", List.of("weur"), browser().build()));
        Lease first = a.acquire("enam", "browser", "s1", KEEP);

        Lease again = a.acquire("weur", "browser", "s1", KEEP);

        assertThat(again.instance().id()).isEqualTo(first.instance().id());
        assertThat(again.created()).isFalse();
    }
}
