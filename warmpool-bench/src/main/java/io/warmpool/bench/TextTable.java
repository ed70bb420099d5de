package io.warmpool.bench;

import java.util.ArrayList;
import java.util.List;

/** A plain, aligned text table (also valid Markdown), built row by row. Not thread-safe. */
final class TextTable {
    private final List<String[]> rows = new ArrayList<>();

    TextTable(String... header) {
        rows.add(header);
    }

    TextTable row(Object... cells) {
        String[] text = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            text[i] = cells[i] instanceof Double d ? format(d) : String.valueOf(cells[i]);
        }
        rows.add(text);
        return this;
    }

    static String format(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        return value >= 100 ? "%.0f".formatted(value) : value >= 10 ? "%.1f".formatted(value) : "%.2f".formatted(value);
    }

    @Override
    public String toString() {
        int columns = rows.getFirst().length;
        int[] width = new int[columns];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int n = 0; n < rows.size(); n++) {
            appendRow(out, rows.get(n), width);
            if (n == 0) {
                String[] rule = new String[columns];
                for (int i = 0; i < columns; i++) {
                    rule[i] = "-".repeat(width[i]);
                }
                appendRow(out, rule, width);
            }
        }
        return out.toString();
    }

    private static void appendRow(StringBuilder out, String[] cells, int[] width) {
        out.append('|');
        for (int i = 0; i < width.length; i++) {
            String cell = i < cells.length ? cells[i] : "";
            out.append(' ').append(cell).append(" ".repeat(width[i] - cell.length())).append(" |");
        }
        out.append('\n');
    }
}
