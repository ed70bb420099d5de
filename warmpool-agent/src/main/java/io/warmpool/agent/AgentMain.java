package io.warmpool.agent;

import io.warmpool.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;

/**
 * Command-line entry of the agent process, started by the gateway as
 * {@code java -cp <classpath> io.warmpool.agent.AgentMain --agent-id ID --region R ...}
 * (see {@link AgentConfig#USAGE}).
 *
 * <p>Protocol with the parent: once the HTTP API listens, exactly one stdout line
 * {@code WARMPOOL_AGENT_READY http://127.0.0.1:<port>}; nothing else goes to stdout (logs go to stderr).
 * The agent stops all its browsers and exits when its stdin reaches EOF (so it dies with its parent) or
 * on SIGTERM. Exit codes: 0 after stdin EOF, 2 for bad arguments, 1 when it cannot start.
 */
public final class AgentMain {
    public static final String READY_PREFIX = "WARMPOOL_AGENT_READY ";

    private AgentMain() {
    }

    public static void main(String[] args) {
        PrintStream stdout = System.out;
        System.setOut(System.err); // stdout carries the READY line only, whatever a library prints
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.err.println(AgentConfig.USAGE);
            System.exit(0);
            return;
        }
        AgentConfig config;
        try {
            config = AgentConfig.fromArgs(args);
        } catch (ConfigException e) {
            System.err.println("warmpool-agent: " + e.getMessage());
            System.exit(2);
            return;
        }
        Logger log = LoggerFactory.getLogger(AgentMain.class);
        Agent agent;
        try {
            agent = Agent.start(config);
        } catch (RuntimeException e) {
            log.error("agent {} could not start", config.agentId(), e);
            System.err.println("warmpool-agent: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "warmpool-agent-shutdown"));
        stdout.println(READY_PREFIX + agent.url());
        stdout.flush();
        awaitEof(System.in);
        log.info("agent {} - stdin closed, exiting", config.agentId());
        agent.close();
        System.exit(0);
    }

    private static void awaitEof(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // input carries no meaning; only its end does
            }
        } catch (IOException e) {
            // a broken stdin means the parent is gone, just like EOF
        }
    }
}
