package io.warmpool.server.http;

import io.warmpool.quick.ServerTiming;

/**
 * Where one quick action's time went at the gateway: the claim, the call to the agent, the release, and the rest
 * (validation, routing, answer), reported as {@code Server-Timing: claim;dur=…, agent;dur=…, release;dur=…,
 * gateway;dur=…} beside the agent's own {@code browser;dur=…}. {@code gateway} is everything but the agent call,
 * claim and release included. One per request; not thread-safe.
 */
final class QuickTiming {
    private final long start = System.nanoTime();
    private long claim;
    private long agent;
    private long release;

    void claimed(long nanos) {
        claim += nanos;
    }

    void agentAnswered(long nanos) {
        agent += nanos;
    }

    void released(long nanos) {
        release += nanos;
    }

    /** The header value as of now, followed by what the agent reported ({@code browser}), if anything. */
    String header(String fromAgent) {
        long total = System.nanoTime() - start;
        String mine = String.join(", ", ServerTiming.entry("claim", claim), ServerTiming.entry("agent", agent),
                ServerTiming.entry("release", release), ServerTiming.entry("gateway", total - agent));
        return ServerTiming.join(mine, fromAgent);
    }
}
