package io.warmpool;

/**
 * Lifecycle of one pre-warmed instance:
 * {@code STARTING -> WARM -> CLAIMED -> (STARTING while it is reset, then WARM | STOPPING) -> GONE},
 * and {@code LOST} when its heartbeats stop or its process dies.
 */
public enum InstanceState {
    STARTING, WARM, CLAIMED, STOPPING, LOST, GONE;

    public static InstanceState parse(String text) {
        return valueOf(text);
    }
}
