package io.warmpool.agent;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fonts the world's pages need are there wherever the browser is (.ci/run and ./warmpool install them): Japanese,
 * Chinese, Korean, Arabic and emoji, captured by real quick actions. A PDF embeds a real font for each script (not
 * the default font's "missing glyph"), and a PNG has glyph pixels where each text is, unlike the boxes of a code
 * point no font has. The missing-glyph control shows that both checks can fail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FontsTest {
    private static final String QUICK = "/instances/f1/quick/";
    private static final Map<String, String> SCRIPTS = Map.of(
            "japanese", "日本語のテキストです", "chinese", "中文文本测试内容", "korean", "한국어 텍스트입니다",
            "arabic", "هذا نص عربي للاختبار", "emoji", "😀🎉🌍🚀");
    /** Code points of the supplementary private use area: no installed font has them, so they draw as boxes. */
    private static final String NO_FONT = "\uDB80\uDC00\uDB80\uDC01\uDB80\uDC02\uDB80\uDC03";

    @TempDir
    static Path dataDir;
    private Agent agent;
    private AgentClient client;

    @BeforeAll
    void startAgentAndBrowser() throws Exception {
        agent = Agent.start(AgentConfig.fromArgs("--agent-id", "fonts", "--region", "weur", "--zone", "z1",
                "--port", "0", "--chromium", "/usr/bin/chromium", "--data-dir", dataDir.toString()));
        client = new AgentClient(agent.url());
        client.start("f1");
    }

    @AfterAll
    void stopEverything() {
        agent.close();
        client.close();
        assertThat(Processes.await(Duration.ofSeconds(5), () -> Processes.mentioning(dataDir).isEmpty()))
                .as("no process left under %s", dataDir).isTrue();
    }

    private static String html(String text) {
        return "<html><body style='margin:0;background:#fff;color:#000;font-size:48px'>"
                + "<div id='t' style='position:absolute;left:10px;top:10px;white-space:nowrap'>" + text + "</div></body></html>";
    }

    private static String json(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** pdffonts' rows for a PDF of {@code text}: name, type, and whether each font is embedded. */
    private List<String> pdfFonts(String text) throws Exception {
        HttpResponse<byte[]> r = client.post(QUICK + "pdf", "{\"html\":\"" + json(html(text)) + "\",\"actionTimeout\":60000}");
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        Path pdf = Files.write(dataDir.resolve("page-" + System.nanoTime() + ".pdf"), r.body());
        Process p = new ProcessBuilder("pdffonts", pdf.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("pdffonts (poppler-utils): " + out).isZero();
        return out.lines().skip(2).toList();
    }

    /** Fonts a PDF of {@code text} embeds beyond those of the missing-glyph control. */
    private static boolean embedsARealFont(List<String> fonts, List<String> control) {
        // glyphs of CFF and colour fonts (Noto CJK, Noto Color Emoji) are embedded as Type 3 fonts; TrueType fonts
        // keep their name; the control has only the default font, whose missing glyph it shows
        boolean allEmbedded = fonts.stream().allMatch(f -> f.matches(".*\\s(yes)\\s+(yes|no)\\s+(yes|no)\\s+\\d+\\s+\\d+$"));
        boolean type3 = fonts.stream().anyMatch(f -> f.contains("Type 3"));
        boolean otherName = fonts.stream().map(f -> f.split("\\s+")[0]).anyMatch(n -> control.stream().noneMatch(c -> c.startsWith(n)));
        return allEmbedded && !fonts.isEmpty() && (type3 || otherName);
    }

    @Test
    void aPdfEmbedsAFontForEveryScript() throws Exception {
        List<String> control = pdfFonts(NO_FONT);
        assertThat(embedsARealFont(control, control)).as("the control draws missing glyphs: " + control).isFalse();
        for (Map.Entry<String, String> s : SCRIPTS.entrySet()) {
            List<String> fonts = pdfFonts(s.getValue());
            assertThat(embedsARealFont(fonts, control)).as(s.getKey() + " embeds its own font: " + fonts).isTrue();
        }
    }

    private BufferedImage png(String text) throws Exception {
        HttpResponse<byte[]> r = client.post(QUICK + "screenshot", "{\"html\":\"" + json(html(text))
                + "\",\"actionTimeout\":60000,\"viewport\":{\"width\":800,\"height\":120,\"deviceScaleFactor\":1}}");
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return ImageIO.read(new ByteArrayInputStream(r.body()));
    }

    /** Dark pixels, coloured pixels and rows with ink in the text's box (10..790 x 10..110). */
    private static long[] ink(BufferedImage img) {
        long dark = 0;
        long coloured = 0;
        long rowsWithInk = 0;
        for (int y = 10; y < 110; y++) {
            boolean any = false;
            for (int x = 10; x < 790; x++) {
                int rgb = img.getRGB(x, y);
                int r = (rgb >> 16) & 0xFF;
                int g = (rgb >> 8) & 0xFF;
                int b = rgb & 0xFF;
                if (r + g + b < 600) {
                    dark++;
                    any = true;
                }
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) {
                    coloured++;
                }
            }
            rowsWithInk += any ? 1 : 0;
        }
        return new long[]{dark, coloured, rowsWithInk};
    }

    @Test
    void aScreenshotHasGlyphPixelsWhereEachTextIsNotBoxes() throws Exception {
        long[] boxes = ink(png(NO_FONT));
        long perBox = boxes[0] / NO_FONT.codePointCount(0, NO_FONT.length());
        assertThat(perBox).as("the control's missing-glyph boxes are drawn").isPositive();
        for (Map.Entry<String, String> s : SCRIPTS.entrySet()) {
            long[] ink = ink(png(s.getValue()));
            long glyphs = s.getValue().codePoints().filter(c -> c != ' ').count();
            assertThat(ink[0]).as(s.getKey() + " has ink where the text is").isGreaterThan(200);
            // had the script no font, each of its code points would be the same box as the control's
            assertThat(Math.abs(ink[0] - glyphs * perBox)).as(s.getKey() + ": " + ink[0] + " px of ink, boxes would be "
                    + glyphs * perBox).isGreaterThan(glyphs * perBox / 20);
            if (s.getKey().equals("emoji")) {
                assertThat(ink[1]).as("emoji are in colour").isGreaterThan(500);
            }
        }
    }
}
