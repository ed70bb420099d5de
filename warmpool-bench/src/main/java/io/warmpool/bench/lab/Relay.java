package io.warmpool.bench.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/** A {@code DelayRelay} from {@code 127.0.0.1:<port>} to {@code host:port} adding {@code rtt}. Thread-safe. */
final class Relay implements AutoCloseable {
    private final Object relay;
    private final String hostPort;
    private final Duration rtt;

    Relay(String host, int port, Duration rtt) {
        this.rtt = rtt;
        try {
            this.relay = Internals.newRelay(host, port, rtt);
            this.hostPort = Internals.hostPort(relay);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code 127.0.0.1:port} to connect to instead of the target. */
    String hostPort() {
        return hostPort;
    }

    Duration rtt() {
        return rtt;
    }

    @Override
    public void close() {
        try {
            Internals.close(relay);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
