package io.warmpool.server.local;

import io.warmpool.ProviderException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One running agent process. It lives as long as we hold its stdin open: closing stdin (or our death) makes the
 * agent stop its browsers and exit. Thread-safe.
 */
final class AgentProcess {
    private static final Logger log = LoggerFactory.getLogger(AgentProcess.class);
    static final String READY_PREFIX = "WARMPOOL_AGENT_READY ";

    private final String agentId;
    private final Process process;
    private final String url;

    private AgentProcess(String agentId, Process process, String url) {
        this.agentId = agentId;
        this.process = process;
        this.url = url;
    }

    /** Starts the agent and waits for its ready line; kills it if it is not ready in time. */
    static AgentProcess spawn(String agentId, List<String> command, String secret, long readyTimeoutMillis) {
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
            if (secret != null) {
                builder.environment().put("WARMPOOL_AGENT_SECRET", secret); // not on the command line, where ps shows it
            }
            process = builder.start();
        } catch (IOException e) {
            throw new ProviderException("cannot start agent " + agentId + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> ready = new CompletableFuture<>();
        // a platform thread: a blocking pipe read pins a virtual thread's carrier
        Thread.ofPlatform().daemon().name("agent-stdout-" + agentId).start(() -> drain(process, ready));
        try {
            String url = ready.get(readyTimeoutMillis, TimeUnit.MILLISECONDS);
            return new AgentProcess(agentId, process, url);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new ProviderException("interrupted while starting agent " + agentId, e);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new ProviderException("agent " + agentId + " did not become ready in " + readyTimeoutMillis + " ms", e);
        }
    }

    private static void drain(Process process, CompletableFuture<String> ready) {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (!ready.isDone() && line.startsWith(READY_PREFIX)) {
                    ready.complete(line.substring(READY_PREFIX.length()).trim());
                } else {
                    log.debug("agent: {}", line);
                }
            }
        } catch (IOException e) {
            log.trace("agent stdout closed: {}", e.getMessage());
        } finally {
            ready.completeExceptionally(new IOException("agent exited before it was ready"));
        }
    }

    String agentId() {
        return agentId;
    }

    String url() {
        return url;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    /** Closes stdin so the agent stops its browsers and exits; forces it after {@code graceMillis}. */
    void stop(long graceMillis) {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            log.trace("closing agent stdin: {}", e.getMessage());
        }
        try {
            if (!process.waitFor(graceMillis, TimeUnit.MILLISECONDS)) {
                log.warn("agent {} did not exit in {} ms; killing it", agentId, graceMillis);
                process.destroyForcibly();
                process.waitFor(graceMillis, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
