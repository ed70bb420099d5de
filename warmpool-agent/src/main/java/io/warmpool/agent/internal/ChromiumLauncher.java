package io.warmpool.agent.internal;

import io.warmpool.BrowserKind;
import io.warmpool.process.ProcessGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Starts Chromium through a process-group wrapper ({@link ProcessGroup}) so that nothing outlives the agent:
 * {@code setsid sh -c '"$0" "$@" </dev/null & read _ ; kill -9 0' chromium <flags>}. The shell waits on its
 * stdin (held by the agent) and kills its whole group when that closes, including when the agent is
 * killed with SIGKILL. Each browser gets a fresh user-data-dir under {@code profilesRoot}, which is also
 * its {@code $HOME} and holds its {@code $TMPDIR}. (Chromium's crashpad handler leaves the group by design; it exits by itself
 * within moments of the browser's death.)
 * Thread-safe: launches may run in parallel.
 */
public final class ChromiumLauncher {
    private static final Logger log = LoggerFactory.getLogger(ChromiumLauncher.class);
    /**
     * The flags every browser of the agent starts with (then its proxy, its profile dir and about:blank); public so
     * that a benchmark can start its anchor the same way and show what the flags alone change.
     */
    public static final List<String> FLAGS = List.of(
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio", "--remote-debugging-port=0",
            // every connection goes through the egress proxy, loopback included (Chromium bypasses it by default);
            // WebRTC may not send UDP around it
            "--proxy-bypass-list=<-loopback>", "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
            "--webrtc-ip-handling-policy=disable_non_proxied_udp");

    private final Map<BrowserKind, Path> binaries;
    private final Path profilesRoot;
    private final Duration startTimeout;
    private final AtomicLong sequence = new AtomicLong();

    /**
     * @param binaries     the executable of each browser this agent can start (launcher scripts are looked through)
     * @param profilesRoot where user-data-dirs are created (must exist)
     * @param startTimeout how long to wait for Chromium to print its DevTools endpoint
     */
    public ChromiumLauncher(Map<BrowserKind, Path> binaries, Path profilesRoot, Duration startTimeout) {
        Map<BrowserKind, Path> resolved = new EnumMap<>(BrowserKind.class);
        binaries.forEach((kind, path) -> resolved.put(kind, BrowserBinary.unwrap(path)));
        this.binaries = Map.copyOf(resolved);
        this.profilesRoot = profilesRoot;
        this.startTimeout = startTimeout;
    }

    /** Whether this launcher has a binary for {@code browser}. */
    public boolean has(BrowserKind browser) {
        return binaries.containsKey(browser);
    }

    /**
     * Starts one Chromium and waits until it reports its DevTools endpoint.
     *
     * @param browser     which binary to start
     * @param proxyServer the egress proxy every request of the browser goes through ({@code http://127.0.0.1:<port>})
     * @throws AgentException {@code browser_unavailable} (400) when this agent has no such binary,
     *                        {@code start_failed} (502) with the reason; nothing is left running then
     */
    public ChromiumProcess launch(String instanceId, BrowserKind browser, String proxyServer) {
        Path chromium = binaries.get(browser);
        if (chromium == null) {
            throw new AgentException("browser_unavailable", 400, "this agent has no " + browser + " binary (known: "
                    + binaries.keySet().stream().map(BrowserKind::configName).sorted().toList() + ")");
        }
        Path dir = profilesRoot.resolve(instanceId.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + sequence.incrementAndGet());
        List<String> command = new ArrayList<>(List.of(chromium.toString()));
        command.addAll(FLAGS);
        command.add("--proxy-server=" + proxyServer);
        command.add("--user-data-dir=" + dir);
        command.add("about:blank");
        Process wrapper;
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            // a short $TMPDIR of its own: Chromium's SingletonSocket lives there, and a unix socket path must stay
            // under 108 bytes however deep the data dir is
            tmp = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "wpc");
            ProcessBuilder builder = new ProcessBuilder(ProcessGroup.wrap(command)).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            // everything Chromium keeps under $HOME (NSS db, caches, crash reports) stays in its own dir
            builder.environment().put("HOME", dir.toString());
            builder.environment().put("TMPDIR", tmp.toString());
            builder.environment().remove("XDG_CONFIG_HOME");
            builder.environment().remove("XDG_CACHE_HOME");
            wrapper = builder.start();
        } catch (IOException e) {
            ChromiumProcess.deleteTree(dir);
            if (tmp != null) {
                ChromiumProcess.deleteTree(tmp);
            }
            throw new AgentException("start_failed", 502, "cannot start " + chromium + ": " + e.getMessage(), e);
        }
        StderrDrain stderr = StderrDrain.start(instanceId, wrapper.getErrorStream());
        String failure;
        try {
            failure = awaitDevtools(wrapper, stderr);
            if (failure == null) {
                URI cdpUrl = stderr.devtoolsUrl().getNow(null);
                ProcessHandle main = wrapper.toHandle().children().findFirst().orElse(null);
                if (main != null && !ChromiumProcess.gone(main)) {
                    return new ChromiumProcess(wrapper, main, dir, tmp, cdpUrl, stderr);
                }
                failure = "Chromium reported " + cdpUrl + " but its process is gone";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted while starting Chromium";
        }
        ChromiumProcess.killGroup(wrapper, null, Duration.ofSeconds(5));
        ChromiumProcess.deleteTree(dir);
        ChromiumProcess.deleteTree(tmp);
        log.debug("start of {} failed: {}", instanceId, failure);
        throw new AgentException("start_failed", 502, failure);
    }

    /**
     * Waits for the DevTools line; returns null once it came, else why not. The wrapper shell keeps stderr
     * open after Chromium exits, so an early exit is noticed by watching the shell's child (it stays a
     * zombie until the shell ends) rather than by the end of stderr.
     */
    private String awaitDevtools(Process wrapper, StderrDrain stderr) throws InterruptedException {
        Deadline deadline = Deadline.after(startTimeout);
        while (!deadline.passed()) {
            try {
                stderr.devtoolsUrl().get(50, TimeUnit.MILLISECONDS);
                return null;
            } catch (TimeoutException e) {
                ProcessHandle child = wrapper.toHandle().children().findFirst().orElse(null);
                if (!wrapper.isAlive() || (child != null && ChromiumProcess.gone(child))) {
                    return "Chromium exited during start; last stderr: " + String.join(" | ", stderr.tail());
                }
            } catch (ExecutionException e) {
                return e.getCause().getMessage();
            }
        }
        return "Chromium did not report its DevTools endpoint within " + startTimeout.toMillis()
                + " ms; last stderr: " + String.join(" | ", stderr.tail());
    }
}
