package io.warmpool.server;

import io.warmpool.ConfigException;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Whether the gateway's port is free, checked before anything starts, so that a taken port is one line. Stateless. */
final class PortCheck {
    private PortCheck() {
    }

    /** Throws {@link ConfigException} when {@code bind:port} cannot be listened on; port 0 is always free. */
    static void requireFree(String bind, int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as Jetty does: a port in TIME_WAIT is free
            probe.bind(new InetSocketAddress(InetAddress.getByName(bind), port));
        } catch (BindException e) {
            throw new ConfigException(inUse(bind, port));
        } catch (IOException e) {
            throw new ConfigException("cannot listen on " + bind + ":" + port + ": " + e.getMessage());
        }
    }

    static String inUse(String bind, int port) {
        return "port " + port + " on " + bind + " is already in use (another gateway?); stop it or pass --port N";
    }

    static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException || t.getClass().getSimpleName().equals("JavalinBindException")) {
                return true;
            }
        }
        return false;
    }
}
