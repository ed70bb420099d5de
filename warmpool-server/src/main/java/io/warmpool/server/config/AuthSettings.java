package io.warmpool.server.config;

import io.warmpool.ConfigException;

import java.util.List;
import java.util.Map;

/**
 * Who may call the gateway. Either {@code none} (one implicit tenant, {@value #ANONYMOUS}; allowed only on a
 * loopback address) or tenants with API keys, stored as SHA-256 hashes ({@code sha256:<hex>}).
 */
public record AuthSettings(boolean none, Map<String, Tenant> tenants, Limits anonymousLimits) {
    public static final String ANONYMOUS = "default";
    public static final AuthSettings NONE = new AuthSettings(true, Map.of(), Limits.DEFAULT);

    /**
     * Per-tenant limits.
     *
     * @param maxSessions       sessions held at once (quick actions not counted)
     * @param sessionsPerMinute new sessions per minute
     * @param quickPerSecond    quick actions per second
     */
    public record Limits(int maxSessions, int sessionsPerMinute, int quickPerSecond) {
        public static final Limits DEFAULT = new Limits(50, 120, 20);

        public Limits {
            if (maxSessions < 1 || sessionsPerMinute < 1 || quickPerSecond < 1) {
                throw new ConfigException("limits must all be >= 1 (maxSessions=" + maxSessions + ", sessionsPerMinute="
                        + sessionsPerMinute + ", quickPerSecond=" + quickPerSecond + ")");
            }
        }
    }

    /** A tenant: its name, the hashes of its keys, its limits. */
    public record Tenant(String name, List<String> keyHashes, Limits limits) {
        public Tenant {
            keyHashes = List.copyOf(keyHashes);
            if (!name.matches("[a-z0-9][a-z0-9_-]{0,62}")) {
                throw new ConfigException("tenant names must match [a-z0-9][a-z0-9_-]{0,62} (tenant=" + name + ")");
            }
            if (keyHashes.isEmpty()) {
                throw new ConfigException("auth.tenants." + name + ".keys must hold at least one key hash");
            }
            for (String h : keyHashes) {
                if (!h.matches("sha256:[0-9a-f]{64}")) {
                    throw new ConfigException("auth.tenants." + name + ".keys must be 'sha256:<64 hex>' hashes "
                            + "(hash a key with: warmpool hash-key KEY)");
                }
            }
        }
    }

    public AuthSettings {
        tenants = Map.copyOf(tenants);
        if (!none && tenants.isEmpty()) {
            throw new ConfigException("auth must be 'none' or name at least one tenant with keys");
        }
    }
}
