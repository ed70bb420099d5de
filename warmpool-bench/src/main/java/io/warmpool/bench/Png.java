package io.warmpool.bench;

import java.nio.ByteBuffer;

/** Reads a PNG's size from its header, to check that two ways of taking a screenshot produced the same image. */
final class Png {
    private static final long SIGNATURE = 0x89504E470D0A1A0AL;

    /** Width and height in pixels. */
    record Size(int width, int height) {
        /** {@code WIDTHxHEIGHT}, as the benchmarks' {@code --viewport} takes it; {@code option} names it in the error. */
        static Size parse(String text, String option) {
            if (!text.matches("\\d{2,4}x\\d{2,4}")) {
                throw new IllegalArgumentException(option + " takes WIDTHxHEIGHT, e.g. 1280x720 (got '" + text + "')");
            }
            String[] wh = text.split("x");
            return new Size(Integer.parseInt(wh[0]), Integer.parseInt(wh[1]));
        }
    }

    private Png() {
    }

    /** The image's size; {@code data} must be a PNG. */
    static Size size(byte[] data) {
        if (data.length < 24 || ByteBuffer.wrap(data).getLong(0) != SIGNATURE) {
            throw new IllegalArgumentException("not a PNG (" + data.length + " bytes)");
        }
        return new Size(ByteBuffer.wrap(data).getInt(16), ByteBuffer.wrap(data).getInt(20));
    }

    /** {@code "800x600 PNG, 12345 bytes"}, or why it is not a PNG. */
    static String describe(byte[] data) {
        if (data.length < 24 || ByteBuffer.wrap(data).getLong(0) != SIGNATURE) {
            return "not a PNG (" + data.length + " bytes)";
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        return b.getInt(16) + "x" + b.getInt(20) + " PNG, " + data.length + " bytes";
    }
}
