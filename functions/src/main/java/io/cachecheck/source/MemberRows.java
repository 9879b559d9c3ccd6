package io.cachecheck.source;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The source rows of one key of a collection namespace (set, zset, list), in the order the query returned them. A
 * collection is compared with zero or more rows per key; at most {@code check.maxMembers} are kept, and a key with
 * more is marked {@link #tooMany()} (it is reported CORRUPT {@code too-large}, not compared).
 */
public final class MemberRows {
    private final List<SourceRow> rows = new ArrayList<>();
    private boolean tooMany;

    /** The rows, in query order (at most {@code maxMembers}). */
    public List<SourceRow> rows() {
        return Collections.unmodifiableList(rows);
    }

    /** Whether the query returned more than {@code maxMembers} rows for the key. */
    public boolean tooMany() {
        return tooMany;
    }

    /** Adds a row to its key's rows; past {@code maxMembers} rows the key is only marked {@link #tooMany()}. */
    static void add(Map<String, MemberRows> byKey, String keyTuple, SourceRow row, int maxMembers) {
        MemberRows m = byKey.computeIfAbsent(keyTuple, k -> new MemberRows());
        if (m.rows.size() < maxMembers) {
            m.rows.add(row);
        } else {
            m.tooMany = true;
        }
    }

    /** Rows for tests and callers that build a lookup by hand. */
    public static MemberRows of(List<SourceRow> rows, boolean tooMany) {
        MemberRows m = new MemberRows();
        m.rows.addAll(rows);
        m.tooMany = tooMany;
        return m;
    }
}
