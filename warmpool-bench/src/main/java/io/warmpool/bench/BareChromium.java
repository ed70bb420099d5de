package io.warmpool.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * One Chromium started the way a peer without a pool starts it for each request: a fresh user-data-dir, the
 * flags below, wait for "DevTools listening" on stderr. It runs in its own session and process group
 * ({@code setsid}) with {@code TMPDIR} inside its profile dir, and {@link #close()} kills that whole group and
 * deletes the profile dir, so nothing is left behind. Thread-safe.
 */
final class BareChromium implements AutoCloseable {
    static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--remote-debugging-port=0");
    private static final String LISTENING = "DevTools listening on ";
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);
    /** Process groups not yet killed; a shutdown hook kills them should the benchmark be interrupted (Ctrl-C). */
    private static final java.util.concurrent.atomic.AtomicLong SEQUENCE = new java.util.concurrent.atomic.AtomicLong();
    private static final java.util.Set<Process> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Set by the hook: a browser started while it runs (a load caller still going) is killed by its starter. */
    private static volatile boolean shuttingDown;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shuttingDown = true;
            List.copyOf(LIVE).forEach(BareChromium::killGroup);
        }, "bare-chromium-cleanup"));
    }

    private final Process process;
    private final Path profile;
    private final URI browserUrl;
    private final long startNanos;

    private BareChromium(Process process, Path profile, URI browserUrl, long startNanos) {
        this.process = process;
        this.profile = profile;
        this.browserUrl = browserUrl;
        this.startNanos = startNanos;
    }

    /**
     * Starts Chromium and waits until it prints its DevTools endpoint; kills it if that does not happen in time.
     *
     * @param profiles an existing directory, fresh and with a short path, for the browsers' profile dirs
     */
    static BareChromium start(Path chromium, Path profiles, Duration timeout) throws IOException {
        return start(chromium, profiles, timeout, List.of());
    }

    /** Like {@link #start(Path, Path, Duration)}, with {@code extraFlags} after the usual ones. */
    static BareChromium start(Path chromium, Path profiles, Duration timeout, List<String> extraFlags)
            throws IOException {
        // short names: Chromium's singleton socket must fit a unix socket path (108 bytes) under TMPDIR
        Path profile = Files.createDirectory(profiles.resolve(Long.toString(SEQUENCE.incrementAndGet())));
        List<String> command = new ArrayList<>(List.of("setsid", chromium.toString()));
        command.addAll(FLAGS);
        command.addAll(extraFlags);
        command.add("--user-data-dir=" + Files.createDirectory(profile.resolve("data")));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        // Chromium puts its singleton socket dir under TMPDIR and leaves it behind when killed: keep it in ours
        builder.environment().put("TMPDIR", Files.createDirectory(profile.resolve("t")).toString());
        long started = System.nanoTime();
        Process process = builder.start();
        LIVE.add(process);
        if (shuttingDown) {
            killGroup(process);
            throw new IOException("shutting down");
        }
        CompletableFuture<URI> url = new CompletableFuture<>();
        Thread.ofVirtual().name("chromium-stderr-" + process.pid()).start(() -> drain(process, url));
        try {
            URI endpoint = url.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new BareChromium(process, profile, endpoint, System.nanoTime() - started);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            new BareChromium(process, profile, null, 0).close();
            throw new IOException("Chromium did not report its DevTools endpoint within " + timeout.toMillis()
                    + " ms: " + e, e);
        }
    }

    private static void drain(Process process, CompletableFuture<URI> url) {
        java.util.ArrayDeque<String> tail = new java.util.ArrayDeque<>();
        try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) {
                int at = line.indexOf(LISTENING);
                if (at >= 0 && !url.isDone()) {
                    url.complete(URI.create(line.substring(at + LISTENING.length()).trim()));
                } else if (!url.isDone()) {
                    if (tail.size() == 5) {
                        tail.removeFirst();
                    }
                    tail.addLast(line);
                }
            }
        } catch (IOException e) {
            // the process is gone; the future below says so if it never became ready
        } finally {
            url.completeExceptionally(new IOException("Chromium exited (code "
                    + (process.isAlive() ? "?" : process.exitValue()) + ") before it was ready; stderr: "
                    + String.join(" | ", tail)));
        }
    }

    /** The browser-level CDP endpoint. */
    URI browserUrl() {
        return browserUrl;
    }

    /** The browser's main process id. */
    long pid() {
        return process.pid();
    }

    /** From process start to the DevTools line, in nanoseconds. */
    long startNanos() {
        return startNanos;
    }

    /**
     * Kills the process group and every process we know of in it, waits (bounded) for the browser's main process,
     * and deletes the profile. Only the main process is waited for: it is our child, the others are reaped by
     * whoever inherits them, and polling their exit costs seconds.
     */
    @Override
    public void close() {
        List<ProcessHandle> group = Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList();
        killGroup(process);
        group.forEach(ProcessHandle::destroyForcibly); // anything that left the group
        LIVE.remove(process);
        try {
            process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Cleanup.deleteTree(profile);
    }

    /** SIGKILL to the process group that {@code setsid} made {@code leader} the leader of (its pid is the group id). */
    private static void killGroup(Process leader) {
        try {
            new ProcessBuilder("kill", "-KILL", "--", "-" + leader.pid()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            // the caller kills the processes it knows one by one
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
