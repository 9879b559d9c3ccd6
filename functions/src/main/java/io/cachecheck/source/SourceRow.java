package io.cachecheck.source;

import java.util.AbstractMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

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

    /**
     * A row read from a result set: the cells in an array, the labels shared by every row of the statement. It saves
     * building a hash map per row (one of the larger allocations per key).
     */
    static SourceRow of(Map<String, Integer> labelIndex, Object[] cells) {
        return new SourceRow(new Cells(labelIndex, cells));
    }

    private static final class Cells extends AbstractMap<String, Object> {
        private final Map<String, Integer> labelIndex;
        private final Object[] cells;

        Cells(Map<String, Integer> labelIndex, Object[] cells) {
            this.labelIndex = labelIndex;
            this.cells = cells;
        }

        @Override
        public Object get(Object label) {
            Integer i = labelIndex.get(label);
            return i == null ? null : cells[i];
        }

        @Override
        public boolean containsKey(Object label) {
            return labelIndex.containsKey(label);
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            Set<Entry<String, Object>> entries = new LinkedHashSet<>();
            labelIndex.forEach((label, i) -> entries.add(new SimpleImmutableEntry<>(label, cells[i])));
            return entries;
        }
    }
}
