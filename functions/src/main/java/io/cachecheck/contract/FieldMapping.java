package io.cachecheck.contract;

/**
 * One compared field: a cached field (a hash field, or a dotted path into a JSON object) and its source column.
 */
public record FieldMapping(String field, String column) {
}
