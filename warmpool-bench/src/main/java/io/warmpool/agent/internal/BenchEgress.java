package io.warmpool.agent.internal;

import java.util.concurrent.Semaphore;

/**
 * For benchmarks only (never shipped: it lives in warmpool-bench, in the agent's package to reach it): the agent's
 * own {@link EgressProxy}, as a quick action's context gets one, for a benchmark that drives a browser itself.
 * Closing stops the proxy. Thread-safe.
 */
public final class BenchEgress implements AutoCloseable {
    private final EgressProxy proxy;

    private BenchEgress(EgressProxy proxy) {
        this.proxy = proxy;
    }

    /** A proxy with the agent's policy, allowing {@code allowList} (the agent's {@code --allow}) besides. */
    public static BenchEgress start(String allowList) {
        return new BenchEgress(EgressProxy.start("bench", AddressPolicy.allowing(allowList),
                new Semaphore(BrowserInstance.MAX_EGRESS_CONNECTIONS)));
    }

    /** The value for a context's {@code proxyServer}. */
    public String proxyServer() {
        return proxy.proxyServer();
    }

    @Override
    public void close() {
        proxy.close();
    }
}
