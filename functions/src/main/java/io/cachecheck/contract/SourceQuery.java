package io.cachecheck.contract;

import io.cachecheck.error.ContractException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A source query with named parameters ({@code :tenant_id}, {@code :order_id}). The tenant parameter is bound once;
 * every other parameter is a key placeholder and expands to one bind marker per key of the batch, so
 * {@code order_id IN (:order_id)} becomes {@code order_id IN (?, ?, ?)}. Values are always bound, never concatenated.
 *
 * <p>Quoted literals, quoted identifiers, comments and PostgreSQL {@code ::} casts are left alone.
 */
public final class SourceQuery {
    private final String text;
    private final List<String> pieces;      // SQL text between parameters: pieces.size() == parameters.size() + 1
    private final List<String> parameters;  // in order of appearance, possibly repeated
    private final boolean statementSeparator; // a ';' outside quotes and comments

    private SourceQuery(String text, List<String> pieces, List<String> parameters, boolean statementSeparator) {
        this.text = text;
        this.pieces = pieces;
        this.parameters = parameters;
        this.statementSeparator = statementSeparator;
    }

    public static SourceQuery parse(String sql, String path) {
        if (sql == null || sql.isBlank()) {
            throw new ContractException(path + ": sql is empty; write the query that fetches a batch of rows of one tenant");
        }
        List<String> pieces = new ArrayList<>();
        List<String> params = new ArrayList<>();
        StringBuilder piece = new StringBuilder();
        boolean separator = false;
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                int end = closingQuote(sql, i, c, path);
                piece.append(sql, i, end + 1);
                i = end + 1;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
                piece.append(sql, i, end);
                i = end;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new ContractException(path + ": unterminated /* comment in sql; close it with */");
                }
                piece.append(sql, i, end + 2);
                i = end + 2;
            } else if (c == ':' && i + 1 < n && sql.charAt(i + 1) == ':') {
                piece.append("::");
                i += 2;
            } else if (c == ':' && i + 1 < n && Character.isJavaIdentifierStart(sql.charAt(i + 1))) {
                int end = i + 1;
                while (end < n && Character.isJavaIdentifierPart(sql.charAt(end))) {
                    end++;
                }
                params.add(sql.substring(i + 1, end));
                pieces.add(piece.toString());
                piece.setLength(0);
                i = end;
            } else if (c == '?') {
                throw new ContractException(path + ": sql uses a positional '?' marker; use named parameters such as "
                        + ":tenant_id and :order_id that match the key pattern placeholders");
            } else {
                separator |= c == ';';
                piece.append(c);
                i++;
            }
        }
        pieces.add(piece.toString());
        return new SourceQuery(sql, Collections.unmodifiableList(pieces), Collections.unmodifiableList(params), separator);
    }

    private static int closingQuote(String sql, int start, char quote, String path) {
        int i = start + 1;
        while (i < sql.length()) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2; // doubled quote is an escaped quote
                    continue;
                }
                return i;
            }
            i++;
        }
        throw new ContractException(path + ": unterminated " + quote + " quote in sql; close it (a quote inside a literal is written twice)");
    }

    public String text() {
        return text;
    }

    /** Distinct parameter names in order of first appearance. */
    public Set<String> parameterNames() {
        return new LinkedHashSet<>(parameters);
    }

    /** Parameter occurrences in order, for binding. */
    public List<String> parameterOccurrences() {
        return parameters;
    }

    private static final java.util.regex.Pattern IN_OPEN =
            java.util.regex.Pattern.compile("(?is)(.*?)(\\bNOT\\s+)?\\bIN\\s*\\(\\s*$");
    private static final java.util.regex.Pattern CLOSE = java.util.regex.Pattern.compile("(?s)^\\s*\\).*");

    /**
     * True when every list parameter stands alone in an {@code IN (:param)} list, so that it can be bound as one
     * array ({@code = ANY(?)}) instead of one marker per key.
     */
    public boolean arrayBindable(String scalarParameter) {
        boolean anyList = false;
        for (int p = 0; p < parameters.size(); p++) {
            if (parameters.get(p).equals(scalarParameter)) {
                continue;
            }
            java.util.regex.Matcher open = IN_OPEN.matcher(pieces.get(p));
            if (!open.matches() || open.group(2) != null || !CLOSE.matcher(pieces.get(p + 1)).matches()) {
                return false;
            }
            anyList = true;
        }
        return anyList;
    }

    /**
     * The JDBC text with each {@code IN (:param)} list rewritten to {@code = ANY(?)}: one array parameter per list,
     * the same statement for every batch size (PostgreSQL). Only valid when {@link #arrayBindable} is true.
     */
    public String renderArrays(String scalarParameter) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int p = 0; p < parameters.size(); p++) {
            if (parameters.get(p).equals(scalarParameter)) {
                out.append(pieces.get(p)).append('?');
            } else {
                java.util.regex.Matcher open = IN_OPEN.matcher(pieces.get(p));
                if (!open.matches()) {
                    throw new IllegalStateException("not an IN list: call arrayBindable first");
                }
                out.append(open.group(1)).append("= ANY(?");
            }
        }
        out.append(pieces.get(parameters.size()));
        return out.toString();
    }

    /** The column right before {@code IN (}: {@code id}, {@code o.id}, {@code "id"} or {@code `id`}; group 2 is its name. */
    private static final java.util.regex.Pattern IN_COLUMN =
            java.util.regex.Pattern.compile("(?s).*?(?:^|[\\s(,])(?:[A-Za-z_][A-Za-z0-9_$]*\\.)?([\"`]?)([A-Za-z_][A-Za-z0-9_$]*)\\1\\s*$");

    /**
     * True when a key range can replace the key list: one list parameter, used once, alone in
     * {@code <keyColumn> IN (:param)} where the column before {@code IN} has the name of the column the key mapping
     * reads back ({@code keyColumn}), so every row a range returns for a key of the batch is a row the list would
     * have returned (see {@link #renderRange}).
     */
    public boolean rangeReadable(String scalarParameter, String keyColumn) {
        if (!arrayBindable(scalarParameter)) {
            return false;
        }
        int lists = 0;
        for (int p = 0; p < parameters.size(); p++) {
            if (parameters.get(p).equals(scalarParameter)) {
                continue;
            }
            lists++;
            java.util.regex.Matcher open = IN_OPEN.matcher(pieces.get(p));
            if (!open.matches()) {
                return false;
            }
            java.util.regex.Matcher column = IN_COLUMN.matcher(open.group(1));
            if (!column.matches() || !column.group(2).equalsIgnoreCase(keyColumn)) {
                return false;
            }
        }
        return lists == 1;
    }

    /**
     * The JDBC text with the key list rewritten to a range, {@code <column> BETWEEN ? AND ?}: the tenant parameter
     * binds one marker, the key parameter two (low, high). Only valid when {@link #rangeReadable} is true. A row the
     * key list returns is one whose key column is in the list, so within the range too; the range may return more
     * rows (keys between those of the batch), which the caller ignores.
     */
    public String renderRange(String scalarParameter) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        boolean closeNext = false;
        for (int p = 0; p < parameters.size(); p++) {
            String piece = pieces.get(p);
            if (closeNext) {
                piece = piece.substring(piece.indexOf(')') + 1);
                closeNext = false;
            }
            if (parameters.get(p).equals(scalarParameter)) {
                out.append(piece).append('?');
            } else {
                java.util.regex.Matcher open = IN_OPEN.matcher(piece);
                if (!open.matches()) {
                    throw new IllegalStateException("not an IN list: call rangeReadable first");
                }
                out.append(open.group(1)).append("BETWEEN ? AND ?");
                closeNext = true;
            }
        }
        String last = pieces.get(parameters.size());
        out.append(closeNext ? last.substring(last.indexOf(')') + 1) : last);
        return out.toString();
    }

    /**
     * True when the query can be wrapped as a derived table ({@code SELECT n AS part, q.* FROM (<sql>) q}) and parts
     * joined with {@code UNION ALL}: array-bindable, and no {@code ;} outside quotes and comments.
     */
    public boolean combinable(String scalarParameter) {
        return !statementSeparator && arrayBindable(scalarParameter);
    }

    /**
     * The JDBC text for a batch: the scalar parameter gets one marker, list parameters get {@code batchSize} markers.
     */
    public String render(String scalarParameter, int batchSize) {
        StringBuilder out = new StringBuilder(text.length() + batchSize * 3 * parameters.size());
        for (int p = 0; p < parameters.size(); p++) {
            out.append(pieces.get(p));
            if (parameters.get(p).equals(scalarParameter)) {
                out.append('?');
            } else {
                for (int k = 0; k < batchSize; k++) {
                    out.append(k == 0 ? "?" : ", ?");
                }
            }
        }
        out.append(pieces.get(parameters.size()));
        return out.toString();
    }
}
