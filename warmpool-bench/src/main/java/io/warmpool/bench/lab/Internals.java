package io.warmpool.bench.lab;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The package-private pieces the lab borrows: {@code io.warmpool.bench.DelayRelay} (owned by the bench module,
 * which this lab may use but not edit) and {@code io.warmpool.server.GatewaySecret} (needed to start agents the
 * way {@code Main.start} does, so that the provider can be wrapped). Reached through private lookups, which work
 * because everything runs on the class path.
 */
final class Internals {
    private static final MethodHandle NEW_RELAY;
    private static final MethodHandle RELAY_HOST_PORT;
    private static final MethodHandle RELAY_CLOSE;
    private static final MethodHandle LOAD_SECRET;
    private static final MethodHandle AGENT_SECRET;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            Class<?> relay = Class.forName("io.warmpool.bench.DelayRelay");
            MethodHandles.Lookup inRelay = MethodHandles.privateLookupIn(relay, lookup);
            NEW_RELAY = inRelay.findConstructor(relay, MethodType.methodType(void.class, String.class, int.class,
                    Duration.class));
            RELAY_HOST_PORT = inRelay.findVirtual(relay, "hostPort", MethodType.methodType(String.class));
            RELAY_CLOSE = inRelay.findVirtual(relay, "close", MethodType.methodType(void.class));
            Class<?> secret = Class.forName("io.warmpool.server.GatewaySecret");
            MethodHandles.Lookup inSecret = MethodHandles.privateLookupIn(secret, lookup);
            LOAD_SECRET = inSecret.findStatic(secret, "loadOrCreate", MethodType.methodType(byte[].class, Path.class));
            AGENT_SECRET = inSecret.findStatic(secret, "agentSecret", MethodType.methodType(String.class, byte[].class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Internals() {
    }

    static Object newRelay(String host, int port, Duration rtt) throws Throwable {
        return NEW_RELAY.invoke(host, port, rtt);
    }

    static String hostPort(Object relay) throws Throwable {
        return (String) RELAY_HOST_PORT.invoke(relay);
    }

    static void close(Object relay) throws Throwable {
        RELAY_CLOSE.invoke(relay);
    }

    /** The secret agents of a gateway on {@code dataDir} present, as {@code Main.start} derives it. */
    static String agentSecret(Path dataDir) {
        try {
            return (String) AGENT_SECRET.invoke((byte[]) LOAD_SECRET.invoke(dataDir));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
