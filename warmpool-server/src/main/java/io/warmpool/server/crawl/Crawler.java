package io.warmpool.server.crawl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warmpool.ActionFailedException;
import io.warmpool.PoolExhaustedException;
import io.warmpool.RateLimitedException;
import io.warmpool.StoreException;
import io.warmpool.WarmPoolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs crawl jobs, one virtual thread each, from the {@link CrawlStore}: take the next queued URL, render it (through
 * {@link Pages}, so every page goes through an agent's egress guard and counts against the tenant's quick-action
 * limit), store its record, queue the links it follows. A job ends {@code completed} when nothing is queued or its
 * {@code limit} is reached, {@code cancelled_due_to_timeout} past {@link #MAX_TIME}, {@code cancelled_due_to_limits}
 * past {@link #MAX_BYTES}, {@code cancelled_by_user} on DELETE. Jobs still running when the gateway stops resume when
 * it starts again. At most {@link #MAX_RUNNING} jobs run at once, {@link #MAX_PER_TENANT} per tenant. Thread-safe.
 */
public final class Crawler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Crawler.class);
    static final ObjectMapper JSON = new ObjectMapper();
    public static final int MAX_RUNNING = 8;
    public static final int MAX_PER_TENANT = 2;
    public static final long MAX_BYTES = 64L * 1024 * 1024;
    public static final Duration MAX_TIME = Duration.ofMinutes(30);
    /** URLs a job may hold queued: links beyond are dropped. */
    static final int MAX_QUEUED_FACTOR = 20;

    /** Renders one page of a crawl for a tenant. */
    public interface Pages {
        /** {@code result} maps format (html, markdown) to text; {@code links} are absolute URLs. */
        record Page(Map<String, String> result, java.util.List<String> links, long browserMs) {
        }

        /**
         * @param template the job's shared page fields as a quick-action body (without url)
         * @throws RateLimitedException over the tenant's limit: the page is tried again after the wait
         * @throws WarmPoolException    the page failed: its record is {@code errored}
         */
        Page render(String tenant, ObjectNode template, String url, java.util.List<String> formats);
    }

    private final CrawlStore store;
    private final Pages pages;
    private final InstantSource clock;
    private final Map<String, Thread> workers = new ConcurrentHashMap<>();
    private volatile boolean closing;

    public Crawler(CrawlStore store, Pages pages, InstantSource clock) {
        this.store = store;
        this.pages = pages;
        this.clock = clock;
    }

    /** Resumes the jobs an earlier run left running. */
    public void resume() {
        for (CrawlStore.Job job : store.running()) {
            log.info("crawl {} - resuming for tenant {}", job.id(), job.tenant());
            spawn(job.id());
        }
    }

    /** Starts a job; 429 past the running bounds. */
    public String start(String tenant, CrawlRequest request, ObjectNode template) {
        if (workers.size() >= MAX_RUNNING) {
            throw new RateLimitedException("crawlJobs", MAX_RUNNING + " crawl jobs are running on this gateway",
                    Duration.ofSeconds(30));
        }
        if (store.runningOf(tenant) >= MAX_PER_TENANT) {
            throw new RateLimitedException("crawlJobs", "tenant " + tenant + " already runs " + MAX_PER_TENANT
                    + " crawl jobs", Duration.ofSeconds(30));
        }
        String id = UUID.randomUUID().toString();
        ObjectNode body = JSON.createObjectNode();
        body.set("request", JSON.valueToTree(request));
        body.set("page", template);
        store.create(new CrawlStore.Job(id, tenant, body.toString(), "running", clock.millis(), 0, 0), request.url());
        spawn(id);
        return id;
    }

    /** Cancels a job of {@code tenant}; whether it was running. */
    public boolean cancel(String id) {
        boolean ended = store.end(id, "cancelled_by_user");
        if (ended) {
            store.dropQueued(id, "cancelled");
        }
        return ended;
    }

    private void spawn(String id) {
        workers.computeIfAbsent(id, k -> Thread.ofVirtual().name("crawl-" + id).start(() -> {
            try {
                run(id);
            } catch (RuntimeException e) {
                if (closing) {
                    // the gateway is stopping under the job (its store or agents going away): the job stays
                    // running in the store, and the next gateway resumes it
                    log.info("crawl {} - interrupted by shutdown, left to resume: {}", id, e.toString());
                    return;
                }
                log.warn("crawl {} - failed: {}", id, e.toString());
                store.end(id, "errored");
            } finally {
                workers.remove(id);
            }
        }));
    }

    private void run(String id) {
        CrawlStore.Job job = store.job(id).orElseThrow();
        JsonNode body;
        try {
            body = JSON.readTree(job.body());
        } catch (java.io.IOException e) {
            store.end(id, "errored");
            return;
        }
        CrawlRequest request = JSON.convertValue(body.get("request"), CrawlRequest.class);
        ObjectNode template = (ObjectNode) body.get("page");
        while (!Thread.currentThread().isInterrupted() && !closing) {
            CrawlStore.Job now = store.job(id).orElseThrow();
            if (!now.status().equals("running")) {
                return;
            }
            if (clock.millis() - now.createdAt() > MAX_TIME.toMillis()) {
                end(id, "cancelled_due_to_timeout");
                return;
            }
            if (now.bytes() > MAX_BYTES) {
                end(id, "cancelled_due_to_limits");
                return;
            }
            long done = store.count(id, "completed") + store.count(id, "errored");
            var next = store.nextQueued(id);
            if (next.isEmpty() || done >= request.limit()) {
                end(id, "completed");
                return;
            }
            crawl(id, job.tenant(), request, template, next.get());
        }
    }

    private void end(String id, String status) {
        if (store.end(id, status)) {
            store.dropQueued(id, "skipped");
            log.info("crawl {} - {}", id, status);
        }
    }

    private void crawl(String id, String tenant, CrawlRequest request, ObjectNode template, CrawlStore.Entry entry) {
        ObjectNode record = JSON.createObjectNode().put("url", entry.url());
        Pages.Page page;
        try {
            page = pages.render(tenant, template, entry.url(), request.formats());
        } catch (RateLimitedException e) {
            sleep(e.retryAfter());
            return; // stays queued
        } catch (PoolExhaustedException | StoreException e) {
            sleep(Duration.ofSeconds(1));
            return; // nothing warm (or the shard is away) for now: the page waits, within the job's MAX_TIME
        } catch (WarmPoolException e) {
            if (closing || Thread.currentThread().isInterrupted()) {
                return; // the gateway is stopping: the page stays queued for the next start
            }
            if (e instanceof ActionFailedException a && (a.status() == 429 || a.status() == 503)) {
                sleep(Duration.ofSeconds(1));
                return;
            }
            record.put("status", "errored");
            record.putObject("metadata").put("status", 0).put("url", entry.url()).put("error", e.getMessage());
            store.finish(id, entry.url(), "errored", record.toString(), 0, 0);
            return;
        }
        record.put("status", "completed");
        page.result().forEach(record::put);
        record.putObject("metadata").put("status", 200).put("url", entry.url());
        String text = record.toString();
        store.finish(id, entry.url(), "completed", text, text.length(), page.browserMs());
        if (entry.depth() >= request.depth()) {
            return;
        }
        long queuedBound = (long) request.limit() * MAX_QUEUED_FACTOR;
        for (String link : page.links()) {
            String clean = link.contains("#") ? link.substring(0, link.indexOf('#')) : link;
            if (request.follows(clean) && store.count(id, null) < queuedBound) {
                store.enqueue(id, clean, entry.depth() + 1);
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(50, Math.min(d.toMillis(), 5_000)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the workers; their jobs stay running in the store and resume on the next start. */
    @Override
    public void close() {
        closing = true;
        workers.values().forEach(Thread::interrupt);
        for (Thread t : workers.values()) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
