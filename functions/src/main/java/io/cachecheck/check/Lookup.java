package io.cachecheck.check;

import io.cachecheck.cache.CachedValue;
import io.cachecheck.source.JdbcSource;
import io.cachecheck.source.MemberRows;
import io.cachecheck.source.SourceRow;

import java.util.List;
import java.util.Map;

/**
 * One look at a batch: the cached values (in the batch's order) and the source rows (by key tuple), plus the key
 * tuples whose values the source refused for their column, with the SQLState. For a collection namespace the rows
 * are in {@code members}, many per key tuple, and {@code rows} is empty.
 */
record Lookup(List<CachedValue> values, Map<String, SourceRow> rows, Map<String, String> rejected,
              Map<String, MemberRows> members) {

    Lookup(List<CachedValue> values, JdbcSource.Fetched fetched) {
        this(values, fetched.rows(), fetched.rejected(), fetched.members());
    }

    /** The cached value of the batch's {@code index}-th key. */
    CachedValue value(int index) {
        return values.get(index);
    }

    /** The source row of a key, or null when the source has none. */
    SourceRow row(ScannedKey key) {
        return rows.get(JdbcSource.keyTuple(key.keyValues()));
    }

    /** The source rows of a key of a collection namespace, or null when the source has none at all. */
    MemberRows members(ScannedKey key) {
        return members.get(JdbcSource.keyTuple(key.keyValues()));
    }

    /** The SQLState with which the source refused the key's value for its column, or null. */
    String rejectedState(ScannedKey key) {
        return rejected.isEmpty() ? null : rejected.get(JdbcSource.keyTuple(key.keyValues()));
    }
}
