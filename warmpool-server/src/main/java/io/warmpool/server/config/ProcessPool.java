package io.warmpool.server.config;

import io.warmpool.process.ProcessTemplate;

import io.warmpool.ConfigException;
import io.warmpool.core.PoolSettings;

import java.util.Map;
import java.util.Objects;

/**
 * A pool whose instances are local processes of a template rather than browsers (config
 * {@code "pools": {"echo": {"template": {"process": {…}}, "tcp": true}}}). Sessions on it reach their process through
 * {@code /v1/sessions/{id}/proxy/…}, and through {@code /v1/sessions/{id}/tcp} when {@code tcp} is set. Immutable.
 *
 * @param template how each instance starts, becomes ready, is reset and stops
 * @param tcp      whether a session may open a raw TCP tunnel (over a WebSocket) to its process's port
 */
public record ProcessPool(ProcessTemplate template, boolean tcp) {
    public ProcessPool {
        Objects.requireNonNull(template, "template");
    }

    /**
     * Checks that every process pool is a configured pool, and that process pools run only where the gateway starts
     * instances itself ({@code "agents": "local"}): remote agents run browsers only.
     */
    static void check(Map<String, PoolSettings> pools, Map<String, ProcessPool> processPools,
                      Map<String, RegionConfig> regions) {
        for (String name : processPools.keySet()) {
            if (!pools.containsKey(name)) {
                throw new ConfigException("process pool " + name + " is not among pools (pools=" + pools.keySet() + ")");
            }
            PoolSettings settings = pools.get(name);
            if (settings.shared()) {
                throw new ConfigException("pools." + name + ".shared must be false for a process pool (shared=true)");
            }
        }
        if (processPools.isEmpty()) {
            return;
        }
        for (RegionConfig r : regions.values()) {
            if (!r.agents().equals(RegionConfig.LOCAL)) {
                throw new ConfigException("regions." + r.name() + ".agents must be \"local\" while pools "
                        + processPools.keySet() + " run processes (agents=" + r.agents() + "): remote agents run "
                        + "browsers only");
            }
        }
    }
}
