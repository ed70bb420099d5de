package io.warmpool.server.config;

import io.warmpool.ConfigException;

import java.util.List;
import java.util.Map;

/**
 * Who may call the gateway. Either {@code none} (one implicit tenant, {@value #ANONYMOUS}; allowed only on a
 * loopback address) or tenants with API keys, stored as SHA-256 hashes ({@code sha256:<hex>}).
 * {@code readOnlyKeys} (hashes too) may read {@code /metrics}, the dashboard and the status endpoints and nothing
 * else; {@code operators} names the tenants that may drain and undrain (any caller when auth is none).
 */
public record AuthSettings(boolean none, Map<String, Tenant> tenants, Limits anonymousLimits, List<String> readOnlyKeys,
                           List<String> operators) {
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
                            + "(hash a key with: echo KEY | warmpool hash-key)");
                }
            }
        }
    }

    public AuthSettings(boolean none, Map<String, Tenant> tenants, Limits anonymousLimits) {
        this(none, tenants, anonymousLimits, List.of(), List.of());
    }

    public AuthSettings {
        tenants = Map.copyOf(tenants);
        readOnlyKeys = List.copyOf(readOnlyKeys);
        operators = List.copyOf(operators);
        for (String h : readOnlyKeys) {
            if (!h.matches("sha256:[0-9a-f]{64}")) {
                throw new ConfigException("auth.readOnlyKeys must be 'sha256:<64 hex>' hashes "
                        + "(hash a key with: warmpool hash-key)");
            }
        }
        for (String o : operators) {
            if (!tenants.containsKey(o)) {
                throw new ConfigException("auth.operators must name tenants of auth.tenants (operator=" + o + ")");
            }
        }
        if (!none && tenants.isEmpty()) {
            throw new ConfigException("auth must be 'none' or name at least one tenant with keys");
        }
    }
}
