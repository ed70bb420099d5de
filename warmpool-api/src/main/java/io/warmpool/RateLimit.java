package io.warmpool;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A rate limit as a token bucket: up to {@code capacity} takes at once, refilled at {@code perSecond}. Kept as one
 * number per limited key, its <em>theoretical arrival time</em> ({@code tat}, epoch microseconds: the generic cell
 * rate algorithm), so that a store can check and advance it in one conditional statement and every gateway sharing
 * the store sees the same bucket. Immutable; the arithmetic here is the one every store applies.
 *
 * @param capacity  takes allowed at once (the burst), at least 1
 * @param perSecond takes refilled per second, more than 0
 */
public record RateLimit(int capacity, double perSecond) {

    public RateLimit {
        if (capacity < 1 || !(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("capacity must be >= 1 and perSecond > 0 (capacity=" + capacity
                    + ", perSecond=" + perSecond + ")");
        }
    }

    /** Microseconds between two refills. */
    public long intervalMicros() {
        return Math.max(1, Math.round(1_000_000 / perSecond));
    }

    /** How far ahead of now a cell's {@code tat} may be for one more take to pass, in microseconds. */
    public long toleranceMicros() {
        return intervalMicros() * (capacity - 1);
    }

    /**
     * The cell's new {@code tat} after one take at {@code nowMicros}, or -1 when the take must be refused.
     *
     * @param tatMicros the cell's current {@code tat}; 0 or less for a cell never taken from
     */
    public long afterTake(long tatMicros, long nowMicros) {
        long from = Math.max(tatMicros, nowMicros);
        return from - nowMicros <= toleranceMicros() ? from + intervalMicros() : -1;
    }

    /** What a cell at {@code tatMicros} allows at {@code nowMicros}, without taking. */
    public Allowance allowance(long tatMicros, long nowMicros) {
        long ahead = Math.max(tatMicros, nowMicros) - nowMicros;
        long available = Math.min(capacity, Math.max(0, (toleranceMicros() + intervalMicros() - ahead) / intervalMicros()));
        Duration wait = available > 0 ? Duration.ZERO : Duration.of(ahead - toleranceMicros(), ChronoUnit.MICROS);
        return new Allowance(available, wait);
    }

    /** {@code instant} in epoch microseconds, the unit of a cell's {@code tat}. */
    public static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    /**
     * What a limited key allows now.
     *
     * @param available whole takes that would pass now, 0 to {@code capacity}
     * @param untilNext until the next take passes; zero when {@code available > 0}
     */
    public record Allowance(long available, Duration untilNext) {
    }
}
