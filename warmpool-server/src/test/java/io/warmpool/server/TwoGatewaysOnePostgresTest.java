package io.warmpool.server;

import io.warmpool.core.PoolSettings;
import io.warmpool.core.RegionShard;
import io.warmpool.server.config.StoreSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.warmpool.server.TestGateway.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateways with the same config on one PostgreSQL database (real agents, real Chromium): one leads each region's
 * housekeeping, the second one's start takes over none of the first one's rows, the pool never holds more than
 * {@code maxSize} instances, and when the leader stops the other leads and refills on its own agents.
 */
class TwoGatewaysOnePostgresTest {
    private static final int MAX_SIZE = 3;

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;

    @Test
    @Timeout(300)
    void oneLeaderPerRegionNoRowTakeOverAndNeverMoreThanMaxSize() throws Exception {
        String prefix = "wp_two" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL) + "_";
        PoolSettings browser = PoolSettings.builder("browser").minIdle(2).maxSize(MAX_SIZE)
                .staleAfter(Duration.ofSeconds(10)).build();
        AtomicInteger mostLive = new AtomicInteger();
        AtomicReference<String> overflow = new AtomicReference<>();
        TestGateway a = new TestGateway(dirA, browser, c -> c.withStore(new StoreSettings(PostgresGatewayTest.URL, prefix)));
        TestGateway b = null;
        Thread watcher = null;
        boolean closedA = false;
        try {
            assertThat(await(Duration.ofSeconds(120), () -> a.pool("weur").get("warm").asInt() >= 2)).isTrue();
            Set<String> ofA = liveIds(prefix);
            watcher = Thread.ofVirtual().name("live-watcher").start(() -> watch(prefix, mostLive, overflow));

            b = new TestGateway(dirB, browser, c -> c.withStore(new StoreSettings(PostgresGatewayTest.URL, prefix)));
            TestGateway second = b;
            // several housekeeping intervals of b, in each of which it would have started or taken over rows if it could
            assertThat(await(Duration.ofSeconds(30), () -> shard(second).leader().holder() != null
                    && rounds(second) >= 5)).isTrue();

            assertThat(shard(a).leader().isLeader()).as("the first gateway still leads weur").isTrue();
            assertThat(shard(b).leader().token()).as("the second does not").isZero();
            assertThat(liveIds(prefix)).as("the second gateway's start took over no row").isEqualTo(ofA);
            assertThat(stateOf(prefix, ofA)).containsOnly("WARM");
            assertThat(b.browserProcesses()).as("the second gateway started no browser").isZero();

            closedA = true;
            a.close(); // resigns: b leads at once, finds a's instances silent, and refills on its own agents
            assertThat(await(Duration.ofSeconds(120), () -> shard(second).leader().isLeader()
                    && second.pool("weur").get("warm").asInt() >= 2 && second.browserProcesses() >= 2)).isTrue();
            assertThat(overflow.get()).as("live instances never above maxSize").isNull();
            assertThat(mostLive.get()).isLessThanOrEqualTo(MAX_SIZE);
        } finally {
            if (watcher != null) {
                watcher.interrupt();
                watcher.join(5_000);
            }
            if (!closedA) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
            try (Connection c = DriverManager.getConnection(PostgresGatewayTest.URL); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + prefix + "weur CASCADE");
                st.execute("DROP SCHEMA IF EXISTS " + prefix + "enam CASCADE");
            }
        }
    }

    private static RegionShard shard(TestGateway gw) {
        return gw.gateway.regions().get("weur").shard();
    }

    /** How many times a gateway's weur shard tried to take or renew the lease (once per housekeeping interval). */
    private static int rounds(TestGateway gw) {
        return (int) gw.gateway.regions().get("weur").shard().leader().attempts();
    }

    /** Samples the weur shard's live rows until interrupted, keeping the most seen and the first overflow. */
    private static void watch(String prefix, AtomicInteger most, AtomicReference<String> overflow) {
        try (Connection c = DriverManager.getConnection(PostgresGatewayTest.URL); Statement st = c.createStatement()) {
            while (!Thread.currentThread().isInterrupted()) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + prefix + "weur.instances"
                        + " WHERE state IN ('STARTING', 'WARM', 'CLAIMED')")) {
                    rs.next();
                    int live = rs.getInt(1);
                    most.accumulateAndGet(live, Math::max);
                    if (live > MAX_SIZE) {
                        overflow.compareAndSet(null, live + " live instances");
                    }
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            overflow.compareAndSet(null, "watcher failed: " + e);
        }
    }

    private static Set<String> liveIds(String prefix) throws Exception {
        Set<String> ids = new HashSet<>();
        try (Connection c = DriverManager.getConnection(PostgresGatewayTest.URL); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM " + prefix + "weur.instances"
                     + " WHERE state IN ('STARTING', 'WARM', 'CLAIMED')")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private static Set<String> stateOf(String prefix, Set<String> ids) throws Exception {
        Set<String> states = new HashSet<>();
        try (Connection c = DriverManager.getConnection(PostgresGatewayTest.URL); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, state FROM " + prefix + "weur.instances")) {
            while (rs.next()) {
                if (ids.contains(rs.getString(1))) {
                    states.add(rs.getString(2));
                }
            }
        }
        return states;
    }
}
