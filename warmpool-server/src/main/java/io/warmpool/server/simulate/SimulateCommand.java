package io.warmpool.server.simulate;

import io.warmpool.ConfigException;
import io.warmpool.core.PoolSettings;
import io.warmpool.core.sizing.SizingSettings;
import io.warmpool.server.config.ConfigReader;
import io.warmpool.server.config.GatewayConfig;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

/**
 * {@code warmpool simulate --trace FILE --policy adaptive|fixed:N|exact:N [--start-ms MS] [--config FILE]
 * [--duration-ms MS]}: replays a trace through the real pools on virtual time ({@link Simulation}) and prints one
 * summary line, then, as its last line, the {@link SimulationResult#json() result} (part of the interface).
 * With {@code --per-pool FILE} it also writes one CSV row per pool ({@link PoolLedger#HEADER}).
 * Exit codes: 0 done, 1 the per-pool file could not be written, 2 bad arguments, config or trace.
 */
public final class SimulateCommand {
    /** The measured median cold acquire through the gateway (BENCHMARKS.md, section 2). */
    static final long DEFAULT_START_MS = 373;
    static final String USAGE = "usage: warmpool simulate --trace FILE --policy adaptive|fixed:N|exact:N"
            + " [--start-ms MS] [--config FILE] [--duration-ms MS] [--per-pool FILE]";

    private SimulateCommand() {
    }

    /** Runs {@code args} (after the word {@code simulate}); returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = Options.parse(args);
        } catch (ConfigException e) {
            err.println("warmpool simulate: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        if (o == null) {
            out.println(USAGE);
            return 0;
        }
        Trace trace;
        Function<String, PoolSettings> settings;
        Duration housekeeping;
        try {
            GatewayConfig config = o.config == null ? null
                    : ConfigReader.read(o.config, GatewayConfig.demo(Path.of("data"), Path.of("chromium"), 0));
            PoolSettings template = config == null ? simulatorDefaults() : config.pools().values().iterator().next();
            housekeeping = config == null ? Duration.ofSeconds(1) : config.housekeepingInterval();
            trace = TraceReader.read(o.trace, template.name(), o.durationMs);
            settings = name -> withPolicy(config != null && config.pools().containsKey(name)
                    ? config.pools().get(name) : template, name, o.policy);
            trace.pools().forEach(settings::apply); // validate every pool before the replay starts
        } catch (ConfigException e) {
            err.println("warmpool simulate: " + e.getMessage());
            return 2;
        }
        long t0 = System.nanoTime();
        Simulation simulation = new Simulation(trace, settings, o.startMs, housekeeping);
        SimulationResult r = simulation.run();
        if (o.perPool != null) {
            try {
                simulation.ledger().write(o.perPool);
            } catch (java.io.IOException e) {
                err.println("warmpool simulate: cannot write --per-pool " + o.perPool + ": " + e.getMessage());
                return 1;
            }
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        out.println(String.format(Locale.ROOT, "simulated %s: %d acquires in %d pool(s) over %.1f h of virtual time"
                        + " in %.1f s; policy %s, start %d ms, housekeeping every %d ms; warmth cost %.0f instance-s",
                o.trace.getFileName(), trace.size(), trace.pools().size(), trace.endMs() / 3.6e6, wall, o.policy,
                o.startMs, housekeeping.toMillis(), r.warmthCost()));
        out.println(r.json());
        return 0;
    }

    /**
     * The pool a trace is replayed into without {@code --config}: the gateway's defaults, with room for a whole
     * region's demand ({@code maxSize} 100000, 64 starts at once, no cap on waiting callers).
     */
    static PoolSettings simulatorDefaults() {
        return PoolSettings.builder("browser").minIdle(0).maxSize(100_000).startParallelism(64)
                .maxWaiting(Integer.MAX_VALUE).build();
    }

    /** {@code base} renamed to {@code name} and sized by {@code policy}, keeping base's adaptive parameters. */
    static PoolSettings withPolicy(PoolSettings base, String name, String policy) {
        SizingSettings sizing = policy.equals("adaptive") && base.sizing().policy() == SizingSettings.Kind.ADAPTIVE
                ? base.sizing()
                : SizingSettings.parse(policy, base.minIdle()).build();
        return base.toBuilder(name).sizing(sizing).build();
    }

    private record Options(Path trace, String policy, long startMs, Path config, Long durationMs, Path perPool) {
        static Options parse(String[] args) {
            Path trace = null;
            String policy = null;
            long startMs = DEFAULT_START_MS;
            Path config = null;
            Long durationMs = null;
            Path perPool = null;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "-h", "--help" -> {
                        return null;
                    }
                    case "--trace" -> trace = Path.of(value(args, ++i, a));
                    case "--policy" -> policy = value(args, ++i, a);
                    case "--start-ms" -> startMs = millis(value(args, ++i, a), a, 0);
                    case "--config" -> config = Path.of(value(args, ++i, a));
                    case "--duration-ms" -> durationMs = millis(value(args, ++i, a), a, 0);
                    case "--per-pool" -> perPool = Path.of(value(args, ++i, a));
                    default -> throw new ConfigException("unknown argument '" + a + "'");
                }
            }
            if (trace == null) {
                throw new ConfigException("--trace is required");
            }
            if (policy == null) {
                throw new ConfigException("--policy is required");
            }
            SizingSettings.parse(policy, 0).build(); // fails fast on a bad policy
            if (policy.equals("fixed")) {
                throw new ConfigException("--policy fixed needs its N (fixed:N)");
            }
            return new Options(trace, policy, startMs, config, durationMs, perPool);
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) {
                throw new ConfigException(flag + " needs a value");
            }
            return args[i];
        }

        private static long millis(String text, String flag, long min) {
            try {
                long v = Long.parseLong(text);
                if (v < min) {
                    throw new NumberFormatException();
                }
                return v;
            } catch (NumberFormatException e) {
                throw new ConfigException(flag + " must be a whole number of ms >= " + min + " (got '" + text + "')");
            }
        }
    }
}
