package io.warmpool.agent.internal;

import com.vladsch.flexmark.html2md.converter.FlexmarkHtmlConverter;
import com.vladsch.flexmark.util.data.MutableDataSet;

/** The rendered page's HTML as Markdown, by flexmark's HTML-to-Markdown converter. Thread-safe. */
final class MarkdownCapture {
    private static final FlexmarkHtmlConverter CONVERTER = FlexmarkHtmlConverter.builder(new MutableDataSet()
            .set(FlexmarkHtmlConverter.SETEXT_HEADINGS, false) // "# Title", as Cloudflare's markdown has it
            .set(FlexmarkHtmlConverter.SKIP_CHAR_ESCAPE, false)
            .set(FlexmarkHtmlConverter.OUTPUT_ATTRIBUTES_ID, false)).build();

    private MarkdownCapture() {
    }

    static String markdown(String html) {
        // scripts, styles and templates carry no readable text
        String visible = html.replaceAll("(?is)<(script|style|noscript|template)\\b.*?</\\1\\s*>", "");
        return CONVERTER.convert(visible).strip();
    }
}
