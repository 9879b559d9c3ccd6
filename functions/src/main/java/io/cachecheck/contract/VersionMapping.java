package io.cachecheck.contract;

/** The field and column that carry a row version (e.g. {@code updated_at}), used by the race defence. */
public record VersionMapping(String field, String column) {
}
