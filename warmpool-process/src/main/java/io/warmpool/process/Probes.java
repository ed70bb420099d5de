package io.warmpool.process;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks a starting process whether it is ready, and a released one to clean itself. One HTTP client per provider;
 * every call bounded in time. Thread-safe.
 */
final class Probes implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(20);
    private static final Duration ONE_TRY = Duration.ofMillis(500);

    private final java.util.concurrent.ExecutorService httpThreads =
            java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(ONE_TRY).executor(httpThreads).build();

    /**
     * Waits until {@code instance} is ready by {@code readiness}, {@code timeout} passed or {@code cancelled} holds.
     *
     * @return null when ready, else why not (it exited, the time ran out, cancelled), with its last output
     */
    String awaitReady(ProcessInstance instance, Readiness readiness, Duration timeout,
                      java.util.function.BooleanSupplier cancelled) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (cancelled.getAsBoolean()) {
                return "cancelled: the provider closed while it started";
            }
            if (readyOnce(instance, readiness)) {
                return null;
            }
            if (!instance.alive()) {
                return "exited during start; last output: " + String.join(" | ", instance.outputTail());
            }
            if (readiness instanceof Readiness.OutputLine) {
                try {
                    instance.output().matched().get(POLL.toMillis(), TimeUnit.MILLISECONDS);
                    return null;
                } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
                    continue;
                }
            }
            Thread.sleep(POLL.toMillis());
        }
        return "not ready within " + timeout.toMillis() + " ms (" + describe(readiness) + "); last output: "
                + String.join(" | ", instance.outputTail());
    }

    private boolean readyOnce(ProcessInstance instance, Readiness readiness) throws InterruptedException {
        return switch (readiness) {
            case Readiness.OutputLine l -> instance.output().matched().isDone();
            case Readiness.Tcp t -> accepts(instance.port());
            case Readiness.Http h -> answers2xx("GET", ProcessTemplate.expand(h.url(), instance.port(),
                    instance.dataDir()), ONE_TRY);
        };
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), (int) ONE_TRY.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether {@code method url} answers 2xx within {@code timeout}. */
    boolean answers2xx(String method, String url, Duration timeout) throws InterruptedException {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                    .method(method, HttpRequest.BodyPublishers.noBody()).build();
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status / 100 == 2;
        } catch (IOException e) {
            return false;
        }
    }

    private static String describe(Readiness r) {
        return switch (r) {
            case Readiness.OutputLine l -> "an output line matching " + l.pattern();
            case Readiness.Tcp t -> "its port accepting TCP";
            case Readiness.Http h -> "GET " + h.url() + " answering 2xx";
        };
    }

    @Override
    public void close() {
        http.close();
        httpThreads.close();
    }
}
