package io.cachecheck.contract;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachecheck.error.ContractException;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The part of a namespace that only Redis collections have (valueType set, zset, list): the column that holds each
 * member, and for a sorted set optionally the column that holds its score. A collection is compared with zero or
 * more rows per key, so it has no fields, ignored fields or version (docs/contract.md, "Collections").
 */
final class CollectionContract {
    /** The mapping name of the member column (a collection's {@link Namespace#fields()} holds it under this name). */
    static final String MEMBER = "member";
    /** The mapping name of a sorted set's score column. */
    static final String SCORE = "score";

    private static final Pattern ORDER_BY = Pattern.compile("(?is).*\\border\\s+by\\b.*");

    private CollectionContract() {
    }

    /** Refuses {@code member} and {@code score} on a namespace whose value is not a collection. */
    static void refuseOnScalar(JsonNode node, String path, ValueType type) {
        for (String field : List.of(MEMBER, SCORE)) {
            if (node.has(field)) {
                throw new ContractException(path + "." + field + ": only for valueType set, zset or list; a "
                        + type.name().toLowerCase(java.util.Locale.ROOT) + " value maps "
                        + (type == ValueType.STRING ? "one column with column:" : "its fields under fields:"));
            }
        }
    }

    /**
     * The member mapping (and the score mapping of a sorted set that maps one) of a collection namespace, after
     * refusing what does not apply to a collection.
     */
    static List<FieldMapping> mappings(JsonNode node, String path, ValueType type, SourceQuery sql) {
        String kind = type.name().toLowerCase(java.util.Locale.ROOT);
        if (node.has("fields") || node.has("column")) {
            throw new ContractException(path + "." + (node.has("fields") ? "fields" : "column") + ": a " + kind
                    + " is compared member by member; name the column that holds each member with member: <column>");
        }
        for (String field : List.of("ignore", "version", "unknownFields")) {
            if (node.has(field)) {
                throw new ContractException(path + "." + field + ": a " + kind + " has no fields, so " + field
                        + " does not apply; remove it");
            }
        }
        List<FieldMapping> out = new ArrayList<>(2);
        out.add(new FieldMapping(MEMBER, column(node, MEMBER, path)));
        if (node.has(SCORE)) {
            if (type != ValueType.ZSET) {
                throw new ContractException(path + ".score: only a zset has scores; remove score, or use valueType: zset");
            }
            String score = column(node, SCORE, path);
            if (score.equalsIgnoreCase(out.get(0).column())) {
                throw new ContractException(path + ".score: '" + score + "' is also the member column; a score needs its own numeric column");
            }
            out.add(new FieldMapping(SCORE, score));
        }
        // Rows are compared in the order the query returns them. Without ORDER BY, that order is whatever plan the
        // database picks (it can change with the data), so the check could report order drift that is not there.
        boolean ordered = type == ValueType.LIST || (type == ValueType.ZSET && out.size() == 1);
        if (ordered && !ORDER_BY.matcher(code(sql.text())).matches()) {
            throw new ContractException(path + ".sql: a " + kind + (type == ValueType.ZSET ? " without a score column" : "")
                    + " is compared in order, so the sql must order each key's rows; add ORDER BY (e.g. ORDER BY "
                    + (type == ValueType.LIST ? "position" : "score") + ")" + (type == ValueType.ZSET
                    ? ", or map the score column with score: <column> to compare member and score pairs instead" : ""));
        }
        return List.copyOf(out);
    }

    private static String column(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new ContractException(path + "." + field + ": missing; name the result column that holds each "
                    + field + ", e.g. " + field + ": role_id");
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new ContractException(path + "." + field + ": must name a result column of the sql");
        }
        return value.asText().strip();
    }

    /** The query without comments and quoted text, so that ORDER BY inside either does not count. */
    static String code(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                int end = i + 1;
                while (end < n && !(sql.charAt(end) == c && (end + 1 >= n || sql.charAt(end + 1) != c))) {
                    end += sql.charAt(end) == c ? 2 : 1; // a doubled quote is an escaped quote
                }
                out.append(' ');
                i = end + 1;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                out.append(' ');
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
