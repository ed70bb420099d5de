package io.warmpool.core;

import io.warmpool.Instance;

/**
 * The result of an acquire: the instance now held by the session.
 *
 * @param warm     true when a warm instance was ready at once; false when the caller waited for a start
 * @param created  false when the session id was already bound and this is the same (sticky) instance
 * @param fallback true when the instance is in a backup region rather than the caller's own
 */
public record Lease(Instance instance, boolean warm, boolean created, boolean fallback) {
    public Lease asFallback() {
        return new Lease(instance, warm, created, true);
    }
}
