package io.warmpool.server.crawl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warmpool.ActionFailedException;
import io.warmpool.PoolExhaustedException;
import io.warmpool.ProviderException;
import io.warmpool.RateLimitedException;
import io.warmpool.StoreException;
import io.warmpool.WarmPoolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs crawl jobs, one virtual thread each, from the {@link CrawlStore}: take the next queued URL, render it (through
 * {@link Pages}, so every page goes through an agent's egress guard and counts against the tenant's quick-action
 * limit), store its record, queue the links it follows. A job ends {@code completed} when nothing is queued or its
 * {@code limit} is reached, {@code cancelled_due_to_timeout} past {@link #MAX_TIME}, {@code cancelled_due_to_limits}
 * past {@link #MAX_BYTES}, {@code cancelled_by_user} on DELETE (through any gateway). At most {@link #MAX_RUNNING}
 * jobs run on one gateway at once, {@link #MAX_PER_TENANT} per tenant.
 * <p>
 * Gateways sharing a store share the jobs: each job runs on one gateway at a time, which holds its lease (see
 * {@link CrawlStore}) and renews it from a {@link CrawlLeases} thread; a job whose owner stopped (it releases its
 * leases) or died (its lease runs out) is claimed by any gateway with room, and resumes where its records stand.
 * Thread-safe.
 */
public final class Crawler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Crawler.class);
    static final ObjectMapper JSON = new ObjectMapper();
    public static final int MAX_RUNNING = 8;
    public static final int MAX_PER_TENANT = 2;
    public static final long MAX_BYTES = 64L * 1024 * 1024;
    public static final Duration MAX_TIME = Duration.ofMinutes(30);
    /** How long a stopping gateway waits for the pages being crawled before it interrupts their workers. */
    static final Duration FINISH_PAGE = Duration.ofSeconds(10);
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

    /** A job running here under the claim {@code fence}. */
    record Worker(long fence, Thread thread) {
    }

    private final CrawlStore store;
    private final Pages pages;
    private final InstantSource clock;
    private final CrawlLeases leases;
    private final Map<String, Worker> workers = new ConcurrentHashMap<>();
    private volatile boolean closing;

    /** A crawler with {@link CrawlLeases.Settings#DEFAULT} leases, sharing its store with other gateways. */
    public Crawler(CrawlStore store, Pages pages, InstantSource clock) {
        this(store, pages, clock, CrawlLeases.Settings.DEFAULT);
    }

    public Crawler(CrawlStore store, Pages pages, InstantSource clock, CrawlLeases.Settings leasing) {
        this.store = store;
        this.pages = pages;
        this.clock = clock;
        this.leases = new CrawlLeases(store, clock, leasing, workers, this::spawn, () -> MAX_RUNNING - workers.size());
    }

    /**
     * Starts keeping leases and claiming jobs nobody runs (jobs an earlier run of this gateway left running, or jobs of
     * a gateway that stopped or died).
     */
    public void resume() {
        leases.start();
    }

    /** Starts a job, owned by this gateway; 429 past the running bounds. */
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
        store.create(new CrawlStore.Job(id, tenant, body.toString(), "running", clock.millis(), 0, 0, 1), request.url(),
                leases.owner(), leases.leaseEnd());
        spawn(id, 1);
        return id;
    }

    /** Cancels a job (whichever gateway runs it: its next write is refused); whether it was running. */
    public boolean cancel(String id) {
        boolean ended = store.end(id, "cancelled_by_user");
        if (ended) {
            store.dropQueued(id, "cancelled");
            Worker here = workers.get(id);
            if (here != null) {
                here.thread().interrupt();
            }
        }
        return ended;
    }

    /** Jobs running on this gateway now. */
    public int running() {
        return workers.size();
    }

    private void spawn(String id, long fence) {
        Thread t = Thread.ofVirtual().name("crawl-" + id).unstarted(() -> work(id, fence));
        if (workers.putIfAbsent(id, new Worker(fence, t)) == null) {
            t.start();
        }
    }

    private void work(String id, long fence) {
        try {
            run(id, fence);
        } catch (RuntimeException e) {
            if (closing) {
                // the gateway is stopping under the job (its store or agents going away): the job stays
                // running in the store, released for the next gateway
                log.info("crawl {} - interrupted by shutdown, left to resume: {}", id, e.toString());
                return;
            }
            log.warn("crawl {} - failed", id, e);
            try {
                store.end(id, fence, "errored");
            } catch (RuntimeException again) {
                log.warn("crawl {} - could not mark it errored (its lease runs out, and another gateway resumes it): {}",
                        id, again.toString());
            }
        } finally {
            workers.remove(id);
        }
    }

    private void run(String id, long fence) {
        CrawlStore.Job job = store.job(id).orElseThrow();
        JsonNode body;
        try {
            body = JSON.readTree(job.body());
        } catch (java.io.IOException e) {
            store.end(id, fence, "errored");
            return;
        }
        CrawlRequest request = JSON.convertValue(body.get("request"), CrawlRequest.class);
        ObjectNode template = (ObjectNode) body.get("page");
        while (!Thread.currentThread().isInterrupted() && !closing) {
            CrawlStore.Job now = store.job(id).orElseThrow();
            if (!now.status().equals("running") || now.fence() != fence) {
                return; // cancelled, or taken over by another gateway
            }
            if (clock.millis() - now.createdAt() > MAX_TIME.toMillis()) {
                end(id, fence, "cancelled_due_to_timeout");
                return;
            }
            if (now.bytes() > MAX_BYTES) {
                end(id, fence, "cancelled_due_to_limits");
                return;
            }
            long done = store.count(id, "completed") + store.count(id, "errored");
            var next = store.nextQueued(id);
            if (next.isEmpty() || done >= request.limit()) {
                end(id, fence, "completed");
                return;
            }
            if (!crawl(id, fence, job.tenant(), request, template, next.get())) {
                return; // a write was refused: the claim is gone
            }
        }
    }

    private void end(String id, long fence, String status) {
        if (store.end(id, fence, status)) {
            store.dropQueued(id, "skipped");
            log.info("crawl {} - {}", id, status);
        }
    }

    /** Crawls one queued URL; false when the claim {@code fence} no longer holds (nothing more may be written). */
    private boolean crawl(String id, long fence, String tenant, CrawlRequest request, ObjectNode template,
                          CrawlStore.Entry entry) {
        ObjectNode record = JSON.createObjectNode().put("url", entry.url());
        Pages.Page page;
        try {
            page = pages.render(tenant, template, entry.url(), request.formats());
        } catch (RateLimitedException e) {
            sleep(e.retryAfter());
            return true; // stays queued
        } catch (PoolExhaustedException | StoreException | ProviderException e) {
            sleep(Duration.ofSeconds(1));
            // nothing warm, the shard away, or an agent not answering (a stopped gateway's, until its rows are LOST):
            // the gateway's trouble, not the page's; the page waits, within the job's MAX_TIME
            return true;
        } catch (WarmPoolException e) {
            if (closing || Thread.currentThread().isInterrupted()) {
                return false; // the gateway is stopping or the job was cancelled: the page stays queued
            }
            if (e instanceof ActionFailedException a && (a.status() == 429 || a.status() == 503)) {
                sleep(Duration.ofSeconds(1));
                return true;
            }
            record.put("status", "errored");
            record.putObject("metadata").put("status", 0).put("url", entry.url()).put("error", e.getMessage());
            return store.finish(id, fence, entry.url(), "errored", record.toString(), 0, 0);
        }
        record.put("status", "completed");
        page.result().forEach(record::put);
        record.putObject("metadata").put("status", 200).put("url", entry.url());
        String text = record.toString();
        List<String> follow = new ArrayList<>();
        if (entry.depth() < request.depth()) {
            for (String link : page.links()) {
                String clean = link.contains("#") ? link.substring(0, link.indexOf('#')) : link;
                if (request.follows(clean)) {
                    follow.add(clean);
                }
            }
        }
        // the record and the links found on it are written together
        return store.finish(id, fence, entry.url(), "completed", text, text.length(), page.browserMs(), follow,
                entry.depth() + 1, (long) request.limit() * MAX_QUEUED_FACTOR);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(50, Math.min(d.toMillis(), 5_000)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops the workers and releases their jobs, which stay running in the store: another gateway (or this one's
     * next start) takes them over at once. A page being crawled gets {@link #FINISH_PAGE} to finish (so that the next
     * owner does not load it while this one still does), then its worker is interrupted.
     */
    @Override
    public void close() {
        closing = true;
        leases.close();
        Map<String, Worker> held = Map.copyOf(workers);
        long deadline = System.nanoTime() + FINISH_PAGE.toNanos();
        try {
            for (Worker w : held.values()) {
                w.thread().join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            }
            held.values().forEach(w -> w.thread().interrupt());
            for (Worker w : held.values()) {
                w.thread().join(Duration.ofSeconds(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        held.forEach((id, w) -> {
            try {
                store.release(id, w.fence());
            } catch (RuntimeException e) {
                log.warn("crawl {} - could not release its lease (another gateway takes it when it runs out): {}", id,
                        e.toString());
            }
        });
    }
}
