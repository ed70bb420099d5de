package io.warmpool.server.config;

import io.warmpool.ConfigException;

import java.time.Duration;

/**
 * The CDP WebSocket proxy's bounds and keepalive (config key {@code proxy}).
 *
 * @param pingInterval      a client connection quiet this long in both directions gets a ping from the gateway, so
 *                          that load balancers do not drop it as idle; {@code PT0S} sends none
 * @param maxQueuedMessages client messages waiting to be written to the browser, per connection; one more closes the
 *                          client with 1013
 * @param maxQueuedBytes    bytes (characters of text frames) waiting to be written to the browser, per connection; past
 *                          it the client is closed with 1013, and a single message larger than this with 1009
 */
public record ProxySettings(Duration pingInterval, int maxQueuedMessages, long maxQueuedBytes) {
    public static final ProxySettings DEFAULT = new ProxySettings(Duration.ofSeconds(30), 1024, 64L << 20);

    public ProxySettings {
        if (pingInterval == null || pingInterval.isNegative()) {
            throw new ConfigException("proxy.pingInterval must be a duration >= PT0S (pingInterval=" + pingInterval + ")");
        }
        if (!pingInterval.isZero() && pingInterval.toMillis() < 100) {
            throw new ConfigException("proxy.pingInterval must be PT0S (off) or >= PT0.1S (pingInterval=" + pingInterval + ")");
        }
        if (maxQueuedMessages < 1) {
            throw new ConfigException("proxy.maxQueuedMessages must be >= 1 (maxQueuedMessages=" + maxQueuedMessages + ")");
        }
        if (maxQueuedBytes < 1024) {
            throw new ConfigException("proxy.maxQueuedBytes must be >= 1024 (maxQueuedBytes=" + maxQueuedBytes + ")");
        }
    }
}
