package io.warmpool.spi;

import io.warmpool.Instance;

/**
 * Starts and stops instances on some infrastructure (local agent processes, Kubernetes, ...).
 * Methods block; callers run them on virtual threads. Implementations are thread-safe.
 */
public interface InstanceProvider extends AutoCloseable {

    /** Where a new instance will run: the agent that owns it and the zone it sits in. */
    Placement place(String region, String pool);

    /**
     * Starts the instance described by {@code instance} (state STARTING) and blocks until it is ready.
     *
     * @return its endpoints
     * @throws io.warmpool.ProviderException when it could not be started
     */
    Started start(Instance instance);

    /** Stops the instance; idempotent, never throws for an instance that is already gone. */
    void stop(Instance instance);

    /**
     * Returns a released instance to a clean state (closes its pages and contexts).
     *
     * @return false when it could not be reset and must be recycled
     */
    boolean reset(Instance instance);

    /**
     * Keeps a warm instance warm and checks that it answers (a shared pool's keep-warm ping).
     *
     * @return false when it did not answer and should be treated as lost
     */
    default boolean ping(Instance instance) {
        return true;
    }

    /** Whether heartbeats from {@code agentId} are accepted: only from agents this provider started or admitted. */
    default boolean admits(String agentId) {
        return true;
    }

    @Override
    void close();

    record Placement(String agentId, String zone) {
    }

    record Started(String cdpUrl, String agentUrl) {
    }
}
