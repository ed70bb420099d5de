package io.warmpool;

/** Instance counts of one pool in one region, by state. {@code total} excludes GONE. */
public record PoolCounts(int starting, int warm, int claimed, int stopping, int lost) {
    public static final PoolCounts EMPTY = new PoolCounts(0, 0, 0, 0, 0);

    public int total() {
        return starting + warm + claimed + stopping + lost;
    }

    /** Instances that hold or will hold a slot against {@code maxSize}. */
    public int live() {
        return starting + warm + claimed + stopping;
    }

    /** These counts with each state capped at {@code max}, as {@code InstanceStore.counts(pool, atMost)} reads them. */
    public PoolCounts atMost(int max) {
        return new PoolCounts(Math.min(starting, max), Math.min(warm, max), Math.min(claimed, max),
                Math.min(stopping, max), Math.min(lost, max));
    }

    @Override
    public String toString() {
        return "total=" + total() + ", warm=" + warm + ", claimed=" + claimed + ", starting=" + starting
                + ", stopping=" + stopping + ", lost=" + lost;
    }
}
