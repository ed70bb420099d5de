package io.warmpool.agent.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.warmpool.quick.QuickAction;
import io.warmpool.quick.QuickActionRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;

/** Takes the result of a quick action from a loaded page, one class per kind of result. Stateless. */
final class PageCapture {
    private static final String CONTENT_FUNCTION = """
            (() => {
              let html = '';
              for (const node of document.childNodes) {
                html += node === document.documentElement
                    ? document.documentElement.outerHTML
                    : new XMLSerializer().serializeToString(node);
              }
              return html;
            })()""";

    private PageCapture() {
    }

    static QuickResult capture(IsolatedPage page, QuickAction action, QuickActionRequest request, Duration timeout) {
        return switch (action) {
            case SCREENSHOT -> ScreenshotCapture.capture(page, request, timeout);
            case PDF -> PdfCapture.capture(page, request.pdfOptions(), timeout);
            case CONTENT -> QuickResult.content(html(page, timeout));
            case MARKDOWN -> QuickResult.json(TextNode.valueOf(MarkdownCapture.markdown(html(page, timeout))));
            case LINKS -> QuickResult.json(LinkCapture.links(page, request, timeout));
            case SCRAPE -> QuickResult.json(ScrapeCapture.scrape(page, request.elements(), timeout));
            case SNAPSHOT -> QuickResult.json(SnapshotCapture.snapshot(page, request, timeout));
            case JSON -> throw new AgentException("unknown_action", 404, "json is answered by the gateway, which asks"
                    + " the agent for markdown");
        };
    }

    /** The page's serialized HTML, doctype included. */
    static String html(IsolatedPage page, Duration timeout) {
        return page.call("Runtime.evaluate", Map.of("expression", CONTENT_FUNCTION, "returnByValue", true), timeout)
                .path("result").path("value").asText("");
    }

    static byte[] decode(JsonNode result) {
        try {
            byte[] data = result.path("data").binaryValue();
            if (data == null) {
                throw new CdpException(CdpException.Kind.ERROR, "the browser returned no data");
            }
            return data;
        } catch (IOException e) {
            throw new UncheckedIOException("bad base64 from the browser", e);
        }
    }
}
