package io.warmpool.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.warmpool.server.TestGateway.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The leader gateway fails, as separate OS processes on loopback (two gateways on one PostgreSQL database, two agents
 * with real Chromium): paused with SIGSTOP, the other gateway leads within two lease periods and keeps the pool at
 * {@code minIdle}; woken with SIGCONT, the paused one does not act on the lease it lost; then killed with -9, the other
 * leads again. Live instances never pass {@code maxSize}.
 */
class ClusterLeaderFaultTest {
    private static final int MIN_IDLE = 2;
    private static final int MAX_SIZE = 3;
    /** The lease term for the default one-second housekeeping interval ({@code RegionLeader.periodFor}). */
    private static final Duration PERIOD = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void aPausedThenKilledLeaderIsReplacedWithinTwoLeasePeriodsAndTheFleetNeverPassesMaxSize() throws Exception {
        try (Cluster cluster = new Cluster(dir, MIN_IDLE, MAX_SIZE, "")) {
            GatewayProcess a = cluster.gateway();
            GatewayProcess b = cluster.gateway();
            cluster.agent("weur-a", a.url, b.url);
            cluster.agent("weur-b", b.url, a.url);
            assertThat(await(Duration.ofSeconds(120), () -> cluster.pool(a.url).get("warm").asInt() >= MIN_IDLE)).isTrue();
            AtomicInteger most = new AtomicInteger();
            AtomicReference<String> failed = new AtomicReference<>();
            Thread watcher = Thread.ofVirtual().start(() -> watch(cluster, most, failed));
            try {
                GatewayProcess leader = leader(cluster, a, b);
                GatewayProcess other = leader == a ? b : a;

                Instant pausedTermEnds = leaseExpiry(cluster);
                Cluster.signal(leader.process, "STOP");
                assertThat(await(Duration.ofSeconds(60), () -> cluster.leaderPid(Instant.now()) == other.process.pid()))
                        .as("the other gateway leads").isTrue();
                assertThat(termStart(cluster)).as("taken over within two lease periods of the paused one's last renewal")
                        .isBefore(pausedTermEnds.plus(PERIOD).plusMillis(1));
                assertThat(await(Duration.ofSeconds(60), () -> cluster.pool(other.url).get("warm").asInt() >= MIN_IDLE))
                        .as("the pool stays at minIdle").isTrue();

                Cluster.signal(leader.process, "CONT");
                assertThat(await(Duration.ofSeconds(30), () -> log(leader).contains("no longer leads housekeeping")))
                        .as("the woken gateway sees it lost the lease").isTrue();
                long tokenOfOther = token(cluster);
                Thread.sleep(PERIOD.multipliedBy(2).toMillis()); // the woken gateway runs several lease rounds
                assertThat(cluster.leaderPid(Instant.now())).as("the woken gateway did not take the lease back")
                        .isEqualTo(other.process.pid());
                assertThat(token(cluster)).as("no change of holder since").isEqualTo(tokenOfOther);

                Instant killedTermEnds = leaseExpiry(cluster);
                other.kill9();
                assertThat(await(Duration.ofSeconds(60), () -> cluster.leaderPid(Instant.now()) == leader.process.pid()))
                        .as("the first leader leads again once the other is killed").isTrue();
                assertThat(termStart(cluster)).isBefore(killedTermEnds.plus(PERIOD).plusMillis(1));
                assertThat(await(Duration.ofSeconds(60), () -> cluster.pool(leader.url).get("warm").asInt() >= MIN_IDLE))
                        .isTrue();
            } finally {
                watcher.interrupt();
                watcher.join(5_000);
            }
            assertThat(failed.get()).as("the watcher saw every sample").isNull();
            assertThat(most.get()).as("live instances at most").isLessThanOrEqualTo(MAX_SIZE);
        }
    }

    private static GatewayProcess leader(Cluster cluster, GatewayProcess a, GatewayProcess b) {
        assertThat(await(Duration.ofSeconds(30), () -> cluster.leaderPid(Instant.now()) != 0)).isTrue();
        long pid = cluster.leaderPid(Instant.now());
        assertThat(pid).isIn(a.process.pid(), b.process.pid());
        return pid == a.process.pid() ? a : b;
    }

    private static Instant leaseExpiry(Cluster cluster) {
        return Instant.ofEpochMilli(Long.parseLong(lease(cluster).get(0)));
    }

    /** When the current term began: its expiry less one period (a take-over writes {@code now + period}). */
    private static Instant termStart(Cluster cluster) {
        return leaseExpiry(cluster).minus(PERIOD);
    }

    private static long token(Cluster cluster) {
        return Long.parseLong(lease(cluster).get(1));
    }

    private static List<String> lease(Cluster cluster) {
        return cluster.rows("SELECT expires_at, token FROM {s}.leases WHERE name = 'housekeeping/weur'").get(0);
    }

    static String log(GatewayProcess g) {
        try (var files = Files.list(g.dataDir)) {
            StringBuilder all = new StringBuilder();
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("gateway-")).toList()) {
                all.append(Files.readString(f));
            }
            return all.toString();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Samples the live rows on one connection until interrupted; a watcher that cannot see fails the test. */
    private static void watch(Cluster cluster, AtomicInteger most, AtomicReference<String> failed) {
        try (Connection c = DriverManager.getConnection(PostgresGatewayTest.URL); Statement st = c.createStatement()) {
            while (!Thread.currentThread().isInterrupted()) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + cluster.prefix + "weur.instances"
                        + " WHERE state IN ('STARTING', 'WARM', 'CLAIMED')")) {
                    rs.next();
                    most.accumulateAndGet(rs.getInt(1), Math::max);
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failed.compareAndSet(null, e.toString());
        }
    }
}
