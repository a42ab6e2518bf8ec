package bnlab.viz;

import java.io.StringWriter;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;
import tech.tablesaw.io.Destination;
import tech.tablesaw.io.html.HtmlWriteOptions;
import tech.tablesaw.io.html.HtmlWriter;

/**
 * Tablesaw tables for notebooks: build with Tablesaw's own API, show with {@link #html(Table)}.
 *
 * <p>In a notebook, {@code render(Tables.html(t), "text/html")} shows the table as HTML in
 * JupyterLab and in the handouts; a bare {@code t} prints Tablesaw's plain-text layout.
 */
public final class Tables {

    /** Digits shown after the decimal point by {@link #fixed(Table, int)}'s default. */
    public static final int DIGITS = 6;

    private Tables() {}

    /**
     * The table as an HTML fragment: a {@code <table>} element whose caption is the table's name
     * (Tablesaw's writer drops the name, so every title would be lost). The caption, the column
     * names and the text cells are shown in the edition's language ({@link Labels}); {@code table}
     * itself is left as it is.
     */
    public static String html(Table table) {
        Table shown = localized(table, Labels.current());
        StringWriter out = new StringWriter();
        new HtmlWriter()
                .write(shown, HtmlWriteOptions.builder(new Destination(out)).build());
        String html = out.toString();
        String name = shown.name();
        if (name == null || name.isBlank()) {
            return html;
        }
        int open = html.indexOf("<table");
        int end = open < 0 ? -1 : html.indexOf('>', open);
        if (end < 0) {
            return html;
        }
        return html.substring(0, end + 1) + "<caption>" + escape(name) + "</caption>" + html.substring(end + 1);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** A copy of {@code table} with its name, column names and text cells translated. */
    static Table localized(Table table, Labels labels) {
        if (labels.language().equals("en")) return table;
        Table copy = table.copy();
        copy.setName(labels.translate(table.name()));
        for (var column : copy.columns()) {
            column.setName(labels.translate(column.name()));
            if (column instanceof StringColumn text) {
                for (int row = 0; row < text.size(); row++) {
                    text.set(row, labels.translate(text.get(row)));
                }
            }
        }
        return copy;
    }

    /** Formats every double column with {@code digits} decimals (e.g. for statistics). */
    public static Table fixed(Table table, int digits) {
        for (var column : table.columns()) {
            if (column instanceof DoubleColumn d) {
                d.setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(digits));
            }
        }
        return table;
    }

    /** {@link #fixed(Table, int)} with {@value #DIGITS} decimals. */
    public static Table fixed(Table table) {
        return fixed(table, DIGITS);
    }
}
