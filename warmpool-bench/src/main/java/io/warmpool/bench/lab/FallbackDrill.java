package io.warmpool.bench.lab;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.core.PoolSettings;
import io.warmpool.server.config.HeartbeatSettings;
import io.warmpool.server.config.RegionConfig;
import io.warmpool.server.config.RoutingSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Part 2 of the lab: a weur gateway with enam as its backup (and weur as enam's), a caller in weur running short
 * chatty sessions back to back, and three disturbances: the weur pool drained by held sessions, the weur shard made
 * unwritable ({@code chattr +i}, so the heartbeat queue lag grows), and the weur agent stopped ({@code SIGSTOP}).
 * Prints a timeline of where each session was served and the gateway's fallback counts. Every disturbance is undone
 * in a {@code finally}; bounded in time (about two and a half minutes).
 */
final class FallbackDrill {
    static final String POOL = "browser";
    private static final int ROUND_TRIPS = 5;

    /** One line of the timeline: a session of the load, or a marker for what the drill did. */
    private record Row(double t, String served, boolean fallback, boolean stale, long lagMs, long exhausted,
                       long staleCount, String note) {
        String key() {
            return note != null ? note + t : served + fallback + stale;
        }
    }

    private final LabGateway gateway;
    private final long t0 = System.nanoTime();
    private final List<Row> rows = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;
    private volatile Row last;

    private FallbackDrill(LabGateway gateway) {
        this.gateway = gateway;
    }

    static void run(Path dataDir, Path chromium) throws Exception {
        System.out.println();
        System.out.println("## Part 2 - fallback under load (weur gateway; backups weur->enam, enam->weur)");
        PoolSettings browser = PoolSettings.builder(POOL).minIdle(2).maxSize(2).coldStartBudget(Duration.ZERO)
                .staleAfter(Duration.ofSeconds(6)).acquireTimeout(Duration.ofSeconds(5)).build();
        HeartbeatSettings heartbeat = new HeartbeatSettings(Duration.ofSeconds(1), 100, Duration.ofMillis(250), 0,
                100_000);
        RoutingSettings routing = new RoutingSettings(false, Duration.ofSeconds(2), Duration.ofSeconds(5));
        System.out.println("pool browser: minIdle=2 maxSize=2 coldStartBudget=0 staleAfter=6s; heartbeat every 1 s, "
                + "flushAfter 250 ms, retries 0; routing.staleAfter=2s holdFor=5s; caller in weur, "
                + ROUND_TRIPS + " Browser.getVersion per session; enam browsers are 80 ms RTT from the gateway");
        try (LabGateway g = LabGateway.start(Place.WEUR, dataDir, chromium, List.of(
                new RegionConfig("weur", List.of("enam"), List.of("weur-a")),
                new RegionConfig("enam", List.of("weur"), List.of("enam-a"))), List.of(browser), heartbeat, routing,
                (region, instance) -> Place.of(region.name()))) {
            g.awaitWarm("weur", POOL, 2, Duration.ofSeconds(90));
            g.awaitWarm("enam", POOL, 2, Duration.ofSeconds(90));
            new FallbackDrill(g).drill();
        }
    }

    private void drill() throws Exception {
        Thread load = Thread.ofPlatform().name("fallback-load").start(this::load);
        Path db = gateway.shard("weur");
        Path wal = Path.of(db + "-wal");
        Long stoppedPid = null;
        try {
            sleep(3);
            drain();
            stoppedPid = gateway.agentPid("weur").orElseThrow();
            signal("STOP", stoppedPid);
            mark("kill -STOP weur agent (pid " + stoppedPid + "); pool staleAfter is 6 s");
            sleep(12);
            signal("CONT", stoppedPid);
            stoppedPid = null;
            mark("kill -CONT weur agent");
            awaitThenHold(r -> "weur".equals(r.served()) && !r.fallback(), 30, 3);
            mark("chattr +i weur.db weur.db-wal (heartbeat writer cannot write)");
            chattr("+i", db, wal);
            awaitThenHold(Row::stale, 20, 4);
            chattr("-i", db, wal);
            mark("chattr -i (store writable again)");
            awaitThenHold(r -> !r.stale(), 25, 2);
            awaitThenHold(r -> "weur".equals(r.served()) && !r.fallback(), 75, 2);
        } finally {
            if (stoppedPid != null) {
                signal("CONT", stoppedPid);
            }
            chattr("-i", db, wal);
            running = false;
            load.join(30_000);
        }
        print();
    }

    /** Holds both weur browsers with sessions of a second caller, then releases them. */
    private void drain() throws Exception {
        LabCaller holder = new LabCaller(gateway.callerUrl());
        List<String> held = new ArrayList<>();
        for (int attempt = 0; attempt < 40 && held.size() < 2; attempt++) {
            LabCaller.Session s = holder.acquire(POOL, Place.WEUR.location());
            if (s.region().equals("weur")) {
                held.add(s.id());
            } else {
                holder.release(s.id());
                Thread.sleep(100);
            }
        }
        mark("holding " + held.size() + " of 2 weur browsers (weur drained)");
        try {
            sleep(6);
        } finally {
            for (String id : held) {
                holder.release(id);
            }
            mark("released the held weur browsers");
        }
        awaitThenHold(r -> "weur".equals(r.served()) && !r.fallback(), 15, 3);
    }

    private void load() {
        LabCaller caller = new LabCaller(gateway.callerUrl());
        while (running) {
            String served = null;
            boolean fallback = false;
            String error = null;
            try {
                LabCaller.Chatty c = caller.chatty(POOL, Place.WEUR.location(), ROUND_TRIPS);
                served = c.session().region();
                fallback = c.session().fallback();
            } catch (IOException e) {
                error = "session failed: " + e.getMessage().lines().findFirst().orElse("");
            } catch (InterruptedException e) {
                return;
            }
            try {
                JsonNode weur = region(caller.regions(), "weur");
                Row row = new Row(now(), served, fallback, weur.path("stale").asBoolean(),
                        weur.path("heartbeatLagMs").asLong(), weur.path("fallbacks").path("exhausted").asLong(),
                        weur.path("fallbacks").path("stale").asLong(), error);
                rows.add(row);
                last = row;
            } catch (IOException e) {
                rows.add(new Row(now(), served, fallback, false, -1, -1, -1, "regions failed: " + e.getMessage()));
            } catch (InterruptedException e) {
                return;
            }
            if (error != null) {
                sleep(0.5);
            }
        }
    }

    private static JsonNode region(JsonNode regions, String name) {
        for (JsonNode r : regions) {
            if (r.path("region").asText().equals(name)) {
                return r;
            }
        }
        throw new IllegalStateException("no region " + name + " in " + regions);
    }

    /** Waits (at most {@code limitSeconds}) for a session row matching {@code until}, then lets it run on a little. */
    private void awaitThenHold(Predicate<Row> until, double limitSeconds, double thenSeconds) {
        int from = rows.size();
        long deadline = System.nanoTime() + (long) (limitSeconds * 1e9);
        while (System.nanoTime() < deadline) {
            boolean seen = rows.subList(from, rows.size()).stream().anyMatch(r -> r.note() == null && until.test(r));
            if (seen) {
                sleep(thenSeconds);
                return;
            }
            sleep(0.1);
        }
        mark("(condition not reached within " + limitSeconds + " s)");
    }

    private void mark(String what) {
        Row l = last;
        rows.add(new Row(now(), null, false, l != null && l.stale(), l == null ? 0 : l.lagMs(),
                l == null ? 0 : l.exhausted(), l == null ? 0 : l.staleCount(), ">> " + what));
    }

    private void print() {
        System.out.println();
        System.out.println("t (s)        | sessions | served | fallback | weur stale | weur lag ms | weur fallbacks exhausted/stale");
        System.out.println("-------------|---------:|--------|----------|------------|------------:|------------------");
        List<Row> all = List.copyOf(rows);
        int i = 0;
        while (i < all.size()) {
            Row first = all.get(i);
            if (first.note() != null && first.note().startsWith(">>")) {
                System.out.printf("%6.1f       | %s%n", first.t(), first.note());
                i++;
                continue;
            }
            int j = i;
            long maxLag = 0;
            while (j < all.size() && Objects.equals(all.get(j).key(), first.key())) {
                maxLag = Math.max(maxLag, all.get(j).lagMs());
                j++;
            }
            Row end = all.get(j - 1);
            System.out.printf("%5.1f-%5.1f  | %8d | %-6s | %-8s | %-10s | %11d | %d/%d%s%n", first.t(), end.t(), j - i,
                    first.served() == null ? "-" : first.served(), first.fallback(), first.stale(), maxLag,
                    end.exhausted(), end.staleCount(), first.note() == null ? "" : "  " + first.note());
            i = j;
        }
    }

    private double now() {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void chattr(String flag, Path... files) {
        for (Path f : files) {
            if (!Files.exists(f)) {
                System.out.println("  (no " + f.getFileName() + " to chattr)");
                continue;
            }
            exec("chattr", flag, f.toString());
        }
    }

    private static void signal(String name, long pid) {
        exec("kill", "-" + name, Long.toString(pid));
    }

    private static void exec(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (p.waitFor() != 0) {
                System.out.println("  " + String.join(" ", cmd) + " failed: " + out);
            }
        } catch (IOException e) {
            System.out.println("  " + String.join(" ", cmd) + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(double seconds) {
        try {
            Thread.sleep((long) (seconds * 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
