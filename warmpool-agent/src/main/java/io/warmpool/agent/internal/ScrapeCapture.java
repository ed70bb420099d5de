package io.warmpool.agent.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.quick.PageOptions;

import java.time.Duration;
import java.util.List;

/**
 * Every element matching each selector, as Cloudflare's scrape answers it:
 * {@code [{selector, results: [{text, html, attributes: [{name, value}], top, left, width, height}]}]}. Stateless.
 */
final class ScrapeCapture {
    private static final String SCRAPE = """
            ((selectors) => selectors.map(selector => ({
              selector,
              results: [...document.querySelectorAll(selector)].slice(0, 1000).map(el => {
                const r = el.getBoundingClientRect();
                return {
                  text: el.innerText ?? el.textContent ?? '',
                  html: el.innerHTML,
                  attributes: [...el.attributes].map(a => ({name: a.name, value: a.value})),
                  top: r.top + window.scrollY, left: r.left + window.scrollX, width: r.width, height: r.height
                };
              })
            })))""";

    private ScrapeCapture() {
    }

    static JsonNode scrape(IsolatedPage page, List<PageOptions.ScrapeElement> elements, Duration timeout) {
        List<String> selectors = elements.stream().map(PageOptions.ScrapeElement::selector).toList();
        return Js.evaluate(page, "(" + SCRAPE + ")(" + Js.literal(selectors) + ")", "elements", timeout);
    }
}
