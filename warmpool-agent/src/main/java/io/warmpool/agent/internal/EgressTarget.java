package io.warmpool.agent.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A host name resolved once and judged by an {@link AddressPolicy}: the addresses a connection may use,
 * and the first refused one with its reason. Connections go to {@link #allowed()} addresses only and the
 * name is never resolved again for them, so a DNS answer that changes in between (rebinding) cannot
 * redirect a connection. Immutable.
 */
record EgressTarget(String host, List<InetAddress> allowed, InetAddress denied, String reason) {

    /**
     * Resolves {@code host} (a name, or an IP literal with or without brackets) within {@code timeout}.
     *
     * @throws UnknownHostException when it does not resolve in time
     */
    static EgressTarget resolve(AddressPolicy policy, String host, Duration timeout) throws UnknownHostException {
        String name = AddressPolicy.normalizeHost(host);
        InetAddress literal = AddressPolicy.literal(name);
        List<InetAddress> addresses = literal != null ? List.of(literal) : lookup(name, timeout);
        List<InetAddress> allowed = new ArrayList<>();
        InetAddress denied = null;
        String reason = null;
        for (InetAddress address : addresses) {
            String why = policy.denies(name, address);
            if (why == null) {
                allowed.add(address);
            } else if (denied == null) {
                denied = address;
                reason = why;
            }
        }
        return new EgressTarget(name, List.copyOf(allowed), denied, reason);
    }

    boolean refused() {
        return allowed.isEmpty();
    }

    /** The refused address as text, without the JDK's "name/" prefix. */
    String deniedAddress() {
        return denied == null ? "" : denied.getHostAddress();
    }

    private static List<InetAddress> lookup(String name, Duration timeout) throws UnknownHostException {
        // the JDK resolver has no timeout of its own; a virtual thread keeps a slow one off the caller's bound
        CompletableFuture<InetAddress[]> answer = new CompletableFuture<>();
        Thread.ofVirtual().name("egress-dns").start(() -> {
            try {
                answer.complete(InetAddress.getAllByName(name));
            } catch (UnknownHostException | RuntimeException e) {
                answer.completeExceptionally(e);
            }
        });
        try {
            return List.of(answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException e) {
            throw new UnknownHostException(name + ": " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new UnknownHostException(name + ": no answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnknownHostException(name + ": interrupted");
        }
    }
}
