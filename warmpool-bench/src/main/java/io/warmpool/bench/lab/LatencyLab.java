package io.warmpool.bench.lab;

import io.warmpool.core.PoolSettings;
import io.warmpool.server.config.HeartbeatSettings;
import io.warmpool.server.config.RegionConfig;
import io.warmpool.server.config.RoutingSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The latency lab: three regions on one machine with {@link Relay}s standing in for distance. Part 1 compares a
 * chatty CDP session under regional pairing (caller, gateway and browser in one region) with the uncoordinated
 * seed placement (gateway near the caller, browser in any region). Part 2 ({@link FallbackDrill}) shows both
 * fallback triggers under load. Bounded in sessions and time; stops every gateway, agent and browser it started.
 * Run: {@code java -cp "warmpool-bench/target/warmpool-bench-0.1.0-SNAPSHOT.jar:warmpool-bench/target/lib/*"
 * io.warmpool.bench.lab.LatencyLab [sessionsPerMode] [roundTrips]}.
 */
public final class LatencyLab {
    static final String PAIRED = "paired";
    static final String SPREAD = "spread";
    private static final int WARMUP = 2;
    private static final Duration PHASE_LIMIT = Duration.ofSeconds(150);

    private LatencyLab() {
    }

    private record Sample(Place caller, String mode, LabCaller.Chatty chatty, Place instance) {
    }

    public static void main(String[] args) throws Exception {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 24;
        int roundTrips = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        boolean fallback = args.length <= 2 || !args[2].equals("--no-fallback");
        Path chromium = Path.of(System.getProperty("lab.chromium", "/usr/bin/chromium"));
        Path root = Files.createTempDirectory("latency-lab-");
        System.out.println("# warmpool latency lab, " + LocalDateTime.now().withNano(0));
        System.out.println(machine(chromium));
        System.out.println("delays (RTT): inside a region " + Place.INSIDE.toMillis() + " ms; weur-enam "
                + Place.rtt(Place.WEUR, Place.ENAM).toMillis() + " ms, weur-apac "
                + Place.rtt(Place.WEUR, Place.APAC).toMillis() + " ms, enam-apac "
                + Place.rtt(Place.ENAM, Place.APAC).toMillis() + " ms");
        try {
            latency(root, chromium, sessions, roundTrips);
            if (fallback) {
                FallbackDrill.run(root.resolve("fallback"), chromium);
            }
        } finally {
            deleteQuietly(root);
        }
        System.out.println("load average after: " + loadAverage());
    }

    static void latency(Path root, Path chromium, int sessions, int roundTrips) throws Exception {
        System.out.printf("%n## Part 1 - chatty session (%d x Browser.getVersion), %d sessions per region per mode "
                + "(+%d warm-up), modes interleaved%n", roundTrips, sessions, WARMUP);
        List<PoolSettings> pools = List.of(
                PoolSettings.builder(PAIRED).minIdle(2).maxSize(2).build(),
                PoolSettings.builder(SPREAD).minIdle(3).maxSize(3).build());
        Map<Place, LabGateway> gateways = new EnumMap<>(Place.class);
        long t0 = System.nanoTime();
        try {
            for (Place p : Place.values()) {
                AtomicInteger next = new AtomicInteger();
                // spread: instances go to weur, enam, apac in turn; paired: the gateway's own region
                LabGateway.Placer placer = (region, instance) -> instance.pool().equals(SPREAD)
                        ? Place.values()[Math.floorMod(next.getAndIncrement() + p.ordinal(), 3)]
                        : Place.of(region.name());
                gateways.put(p, LabGateway.start(p, root.resolve(p.region()), chromium,
                        List.of(new RegionConfig(p.region(), List.of(), List.of(p.region() + "-a"))), pools,
                        HeartbeatSettings.DEFAULT, RoutingSettings.DEFAULT, placer));
            }
            for (LabGateway g : gateways.values()) {
                g.awaitWarm(g.home().region(), PAIRED, 2, Duration.ofSeconds(120));
                g.awaitWarm(g.home().region(), SPREAD, 3, Duration.ofSeconds(120));
            }
            System.out.printf("3 gateways, 15 browsers warm after %.1f s%n", (System.nanoTime() - t0) / 1e9);
            List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger errors = new AtomicInteger();
            long deadline = System.nanoTime() + PHASE_LIMIT.toNanos();
            List<Thread> callers = new ArrayList<>();
            for (LabGateway g : gateways.values()) {
                callers.add(Thread.ofPlatform().name("caller-" + g.home().region()).start(() ->
                        drive(g, sessions, roundTrips, deadline, samples, errors)));
            }
            for (Thread t : callers) {
                t.join();
            }
            System.out.printf("ran in %.1f s, %d errors%n", (System.nanoTime() - t0) / 1e9, errors.get());
            report(samples, roundTrips);
        } finally {
            gateways.values().forEach(LabGateway::close);
        }
    }

    private static void drive(LabGateway g, int sessions, int roundTrips, long deadline, List<Sample> out,
                              AtomicInteger errors) {
        LabCaller caller = new LabCaller(g.callerUrl());
        Place home = g.home();
        for (int i = -WARMUP; i < sessions && System.nanoTime() < deadline; i++) {
            List<String> order = i % 2 == 0 ? List.of(PAIRED, SPREAD) : List.of(SPREAD, PAIRED);
            for (String mode : order) {
                try {
                    LabCaller.Chatty c = caller.chatty(mode, home.location(), roundTrips);
                    if (i >= 0) {
                        Place where = g.placeOf(home.region(), c.session().instance()).orElse(null);
                        out.add(new Sample(home, mode, c, where));
                    }
                } catch (IOException e) {
                    errors.incrementAndGet();
                    System.out.println("  " + home.region() + "/" + mode + " session failed: " + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void report(List<Sample> samples, int roundTrips) {
        System.out.println();
        System.out.println("| caller | mode | n | session p50 | session p95 | " + roundTrips + " RTTs p50 | " + roundTrips
                + " RTTs p95 | acquire p50 | connect p50 | browsers used (weur/enam/apac) |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
        Map<Place, double[]> ratios = new EnumMap<>(Place.class);
        for (Place p : Place.values()) {
            double[] r = new double[4];
            for (String mode : List.of(PAIRED, SPREAD)) {
                List<Sample> s = samples.stream().filter(x -> x.caller() == p && x.mode().equals(mode)).toList();
                Stats total = Stats.ofNanos(s.stream().map(x -> x.chatty().totalNanos()).toList());
                Stats trips = Stats.ofNanos(s.stream().map(x -> x.chatty().roundTripsNanos()).toList());
                Stats acquire = Stats.ofNanos(s.stream().map(x -> x.chatty().acquireNanos()).toList());
                Stats connect = Stats.ofNanos(s.stream().map(x -> x.chatty().connectNanos()).toList());
                Map<Place, Long> used = new EnumMap<>(Place.class);
                for (Place q : Place.values()) {
                    used.put(q, s.stream().filter(x -> x.instance() == q).count());
                }
                System.out.printf("| %s | %s | %d | %s | %s | %s | %s | %s | %s | %d/%d/%d |%n", p.region(),
                        mode.equals(PAIRED) ? "(a) regional pairing" : "(b) uncoordinated", total.count(),
                        Stats.f(total.p50()), Stats.f(total.p95()), Stats.f(trips.p50()), Stats.f(trips.p95()),
                        Stats.f(acquire.p50()), Stats.f(connect.p50()), used.get(Place.WEUR), used.get(Place.ENAM),
                        used.get(Place.APAC));
                int k = mode.equals(PAIRED) ? 0 : 2;
                r[k] = total.p50();
                r[k + 1] = total.p95();
            }
            ratios.put(p, r);
        }
        System.out.println();
        System.out.println("| caller | session p50 (a) -> (b) | ratio p50 (b)/(a) | session p95 (a) -> (b) | ratio p95 (b)/(a) |");
        System.out.println("|---|---:|---:|---:|---:|");
        List<Double> p50Ratios = new ArrayList<>();
        for (Map.Entry<Place, double[]> e : ratios.entrySet()) {
            double[] r = e.getValue();
            p50Ratios.add(r[2] / r[0]);
            System.out.printf("| %s | %s -> %s ms | %.1fx | %s -> %s ms | %.1fx |%n", e.getKey().region(),
                    Stats.f(r[0]), Stats.f(r[2]), r[2] / r[0], Stats.f(r[1]), Stats.f(r[3]), r[3] / r[1]);
        }
        p50Ratios.sort(Comparator.naturalOrder());
        System.out.printf("median over regions of the p50 ratio: %.1fx%n", p50Ratios.get(p50Ratios.size() / 2));
    }

    static String machine(Path chromium) {
        String cpu = "?";
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            cpu = lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1)
                    .trim()).orElse("?");
        } catch (IOException e) {
            // unknown
        }
        String version = "?";
        try {
            Process p = new ProcessBuilder(chromium.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            version = out.lines().filter(l -> l.contains("Chromium")).findFirst().orElse(out);
        } catch (IOException e) {
            // unknown
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "machine: " + Runtime.getRuntime().availableProcessors() + " cores, " + cpu + "; " + version + "; Java "
                + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + "); load average before: "
                + loadAverage();
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static void deleteQuietly(Path root) {
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // left behind in /tmp
                }
            });
        } catch (IOException e) {
            // left behind in /tmp
        }
    }
}
