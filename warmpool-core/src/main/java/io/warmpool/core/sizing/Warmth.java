package io.warmpool.core.sizing;

/**
 * What warmth costs one pool, as an operator sees it. Immutable.
 *
 * @param policy              the sizing policy as configured ({@code adaptive}, {@code fixed:N}, {@code exact:N})
 * @param target              the warm target of the last housekeeping run
 * @param idleInstanceSeconds instance-seconds spent idle or starting over the last hour
 * @param warmHitRate         share of acquires over the last hour that found a warm instance; NaN when none came
 */
public record Warmth(String policy, int target, double idleInstanceSeconds, double warmHitRate) {
}
