package io.cachecheck.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * A PostgreSQL array column ({@code text[]}, {@code int[]}, ...) as the JSON array it is compared as, so that a cached
 * list ({@code List<String> tags}, {@code "tags":["a","b"]}) matches its column without {@code to_json} in the SQL.
 * Elements keep their order; numbers stay exact; nested (multi-dimensional) arrays become nested arrays. Time values
 * become ISO-8601 text (a timestamp without zone is UTC), which compares with cached ISO text; for other cached time
 * forms, select {@code to_json(...)} of the column instead (docs/contract.md).
 */
final class SqlArrays {
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private SqlArrays() {
    }

    static JsonNode toJson(Object array) {
        ArrayNode out = NODES.arrayNode();
        for (Object e : (Object[]) array) {
            out.add(element(e));
        }
        return out;
    }

    private static JsonNode element(Object e) {
        if (e == null) {
            return NODES.nullNode();
        }
        if (e instanceof Object[]) {
            return toJson(e);
        }
        if (e instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (e instanceof BigDecimal d) {
            return NODES.numberNode(d);
        }
        if (e instanceof Integer || e instanceof Long || e instanceof Short) {
            return NODES.numberNode(BigInteger.valueOf(((Number) e).longValue()));
        }
        if (e instanceof Float || e instanceof Double) {
            return NODES.numberNode(new BigDecimal(e.toString()));
        }
        if (e instanceof java.sql.Timestamp t) {
            return NODES.textNode(t.toLocalDateTime().atOffset(ZoneOffset.UTC).toInstant().toString());
        }
        if (e instanceof OffsetDateTime t) {
            return NODES.textNode(t.toInstant().toString());
        }
        return NODES.textNode(e.toString());
    }
}
