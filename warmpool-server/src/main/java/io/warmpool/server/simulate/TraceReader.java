package io.warmpool.server.simulate;

import io.warmpool.ConfigException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * Reads a trace CSV: {@code at_ms,duration_ms[,pool]} (one acquire per line; {@code pool} defaults to
 * {@code defaultPool}) or {@code minute,count} (per-minute arrival counts, spread uniformly at random within each
 * minute with a fixed seed, each held {@code durationMs}). Errors name the line. Not thread-safe; use once.
 */
final class TraceReader {
    private static final Pattern POOL = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final long SEED = 20_190_715L;

    private long[] at = new long[1 << 16];
    private long[] duration = new long[1 << 16];
    private int[] pool = new int[1 << 16];
    private int n;
    private final Map<String, Integer> pools = new LinkedHashMap<>();

    static Trace read(Path file, String defaultPool, Long durationMs) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return new TraceReader().parse(in, file, defaultPool, durationMs);
        } catch (IOException e) {
            throw new ConfigException("--trace " + file + " cannot be read: " + e.getMessage());
        }
    }

    private Trace parse(BufferedReader in, Path file, String defaultPool, Long durationMs) throws IOException {
        String header = in.readLine();
        if (header == null) {
            throw new ConfigException("--trace " + file + " is empty (expected a header at_ms,duration_ms[,pool] or minute,count)");
        }
        header = header.strip();
        boolean counts = header.equals("minute,count");
        if (!counts && !header.equals("at_ms,duration_ms") && !header.equals("at_ms,duration_ms,pool")) {
            throw new ConfigException("--trace " + file + " line 1: header must be at_ms,duration_ms[,pool] or minute,count"
                    + " (got '" + header + "')");
        }
        if (counts && durationMs == null) {
            throw new ConfigException("--duration-ms is required with a per-minute-count trace (" + file + ")");
        }
        SplittableRandom random = new SplittableRandom(SEED);
        long firstMinute = Long.MIN_VALUE;
        String line;
        int lineNo = 1;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.strip().split(",", -1);
            String where = file + " line " + lineNo;
            if (counts) {
                if (f.length != 2) {
                    throw new ConfigException(where + ": expected minute,count (got '" + line + "')");
                }
                long minute = number(f[0], "minute", where);
                long count = number(f[1], "count", where);
                firstMinute = firstMinute == Long.MIN_VALUE ? minute : firstMinute;
                long base = (minute - firstMinute) * 60_000L;
                if (base < 0) {
                    throw new ConfigException(where + ": minute must not go back (minute=" + minute + ")");
                }
                long[] within = new long[(int) count];
                for (int k = 0; k < count; k++) {
                    within[k] = random.nextLong(60_000L);
                }
                Arrays.sort(within);
                for (long w : within) {
                    add(base + w, durationMs, poolIndex(defaultPool, where));
                }
            } else {
                if (f.length < 2 || f.length > 3) {
                    throw new ConfigException(where + ": expected at_ms,duration_ms[,pool] (got '" + line + "')");
                }
                String name = f.length == 3 && !f[2].isEmpty() ? f[2] : defaultPool;
                add(number(f[0], "at_ms", where), number(f[1], "duration_ms", where), poolIndex(name, where));
            }
        }
        return sorted();
    }

    private static long number(String text, String field, String where) {
        try {
            long v = Long.parseLong(text.strip());
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new ConfigException(where + ": " + field + " must be a whole number >= 0 (" + field + "=" + text + ")");
        }
    }

    private int poolIndex(String name, String where) {
        Integer i = pools.get(name);
        if (i != null) {
            return i;
        }
        if (!POOL.matcher(name).matches()) {
            throw new ConfigException(where + ": pool must match [a-z][a-z0-9-]{0,62} (pool=" + name + ")");
        }
        pools.put(name, pools.size());
        return pools.size() - 1;
    }

    private void add(long atMs, long durationMs, int poolIndex) {
        if (n == at.length) {
            at = Arrays.copyOf(at, n * 2);
            duration = Arrays.copyOf(duration, n * 2);
            pool = Arrays.copyOf(pool, n * 2);
        }
        at[n] = atMs;
        duration[n] = durationMs;
        pool[n] = poolIndex;
        n++;
    }

    /** The acquires in time order (stable: equal times keep the file's order). */
    private Trace sorted() {
        boolean ordered = true;
        for (int i = 1; i < n && ordered; i++) {
            ordered = at[i - 1] <= at[i];
        }
        List<String> names = new ArrayList<>(pools.keySet());
        if (ordered) {
            return new Trace(Arrays.copyOf(at, n), Arrays.copyOf(duration, n), Arrays.copyOf(pool, n), names);
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Long.compare(at[x], at[y]));
        long[] a = new long[n];
        long[] d = new long[n];
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = at[order[i]];
            d[i] = duration[order[i]];
            p[i] = pool[order[i]];
        }
        return new Trace(a, d, p, names);
    }
}
