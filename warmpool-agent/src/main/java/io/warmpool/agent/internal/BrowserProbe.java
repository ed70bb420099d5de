package io.warmpool.agent.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Asks a browser whether it still answers CDP at the browser level (not a page's renderer), within a short
 * bound; used after an action timed out to tell a hung page from a hung browser. Stateless.
 */
final class BrowserProbe {
    private static final Logger log = LoggerFactory.getLogger(BrowserProbe.class);
    /** How long a healthy browser may take to answer {@code Browser.getVersion} on a loaded machine. */
    static final Duration TIMEOUT = Duration.ofSeconds(3);

    private BrowserProbe() {
    }

    static boolean answers(BrowserInstance instance) {
        try {
            instance.cdp().call("Browser.getVersion", null, null, TIMEOUT);
            return true;
        } catch (CdpException e) {
            return false;
        }
    }

    /** True if the browser answers; otherwise declares it dead (reported at once, then stopped) and returns false. */
    static boolean answersOrDies(BrowserInstance instance) {
        if (!instance.alive()) {
            return false;
        }
        if (answers(instance)) {
            return true;
        }
        log.warn("{} - {} did not answer CDP within {} ms after a timed-out action; declaring it dead",
                instance.pool(), instance.id(), TIMEOUT.toMillis());
        instance.markDead();
        return false;
    }
}
