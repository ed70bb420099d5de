package io.warmpool.agent.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.quick.QuickActionRequest;

import java.time.Duration;

/**
 * The page's links as absolute URLs, in document order, each once: {@code a[href]} with an http(s) target;
 * {@code visibleLinksOnly} keeps those with a visible box, {@code excludeExternalLinks} those on the page's host.
 * Stateless.
 */
final class LinkCapture {
    private static final String LINKS = """
            ((visibleOnly, internalOnly) => {
              const seen = new Set();
              for (const a of document.querySelectorAll('a[href]')) {
                let u;
                try { u = new URL(a.getAttribute('href'), document.baseURI); } catch (e) { continue; }
                if (u.protocol !== 'http:' && u.protocol !== 'https:') continue;
                if (internalOnly && u.hostname !== location.hostname) continue;
                if (visibleOnly) {
                  const r = a.getBoundingClientRect(), s = getComputedStyle(a);
                  if (r.width === 0 || r.height === 0 || s.visibility === 'hidden' || s.display === 'none') continue;
                }
                seen.add(u.href);
              }
              return [...seen];
            })""";

    private LinkCapture() {
    }

    static JsonNode links(IsolatedPage page, QuickActionRequest req, Duration timeout) {
        return Js.evaluate(page, "(" + LINKS + ")(" + Boolean.TRUE.equals(req.visibleLinksOnly()) + ", "
                + Boolean.TRUE.equals(req.excludeExternalLinks()) + ")", "links", timeout);
    }
}
