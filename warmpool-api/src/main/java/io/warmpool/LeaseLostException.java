package io.warmpool;

/**
 * A fenced write was refused because its fencing token is no longer the lease's: another holder took the lease
 * over (or this one never had it). Nothing was written. The caller stops acting as leader until it leads again.
 */
public class LeaseLostException extends WarmPoolException {
    private final String lease;
    private final long token;

    public LeaseLostException(String lease, long token) {
        super("lease_lost", "lease " + lease + " is no longer held with token " + token + "; the write was refused");
        this.lease = lease;
        this.token = token;
    }

    public String lease() {
        return lease;
    }

    /** The token the refused write carried (0: the writer held no term). */
    public long token() {
        return token;
    }
}
