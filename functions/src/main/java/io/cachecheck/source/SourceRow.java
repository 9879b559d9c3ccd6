package io.cachecheck.source;

import java.util.Map;

/**
 * One source row, by lower-case column label. Values are normalised JDBC values: {@link java.math.BigDecimal} for
 * numbers, {@link Boolean}, {@link TemporalValue}, {@link java.time.LocalDate}, {@link String},
 * {@link com.fasterxml.jackson.databind.JsonNode} for JSON columns, or null.
 */
public record SourceRow(Map<String, Object> columns) {
    public Object get(String column) {
        // Labels are stored lower-case and mapped columns usually are too: try the name as given before lower-casing
        // it (lower-casing every lookup was about 5% of the validator's CPU).
        Object value = columns.get(column);
        return value != null ? value : columns.get(column.toLowerCase(java.util.Locale.ROOT));
    }

    public boolean has(String column) {
        return columns.containsKey(column.toLowerCase(java.util.Locale.ROOT));
    }
}
