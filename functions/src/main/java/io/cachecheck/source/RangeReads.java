package io.cachecheck.source;

import io.cachecheck.contract.Namespace;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Decides, per batch, whether a key range ({@code BETWEEN low AND high}) reads a batch's rows more cheaply than the key
 * list ({@code = ANY} or {@code IN}), from the density it measures, and keeps what it learns per namespace: the key
 * column's integer type, and how many rows the table holds per unit of key (the rows earlier ranges returned, over
 * their width). One instance per {@link JdbcSource}, so one thread.
 *
 * <p>A range is only for a namespace with one integer key column, not a collection, whose query lists the key as
 * {@code <key column> IN (:key)} ({@link io.cachecheck.contract.SourceQuery#rangeReadable}); text, uuid and
 * composite keys stay on key lists (their order is the column's collation or a tuple order, which the validator
 * would have to reproduce exactly). Only keys written as canonical integers within the column type's range take part
 * ({@code 42}, not {@code 042} or {@code 4.2e1}); every other key of the batch is looked up by the key list, so a
 * key refused by its column is still reported as before.
 */
final class RangeReads {
    /**
     * A range is read when it is expected to return at most this many rows per key of the batch. On the bench data
     * (docs/performance.md, "Range reads"), PostgreSQL spent about 4.5 us a key on a 500-key {@code = ANY} lookup and
     * 0.2 to 0.4 us a row on a range, but each row a range returns that no key wants still crosses the wire and is
     * parsed by the driver; 2 keeps a range cheaper than the list with room to spare.
     */
    static final double MAX_ROWS_PER_KEY = 2.0;

    /** A range returning this many times the expected rows (plus a margin) is cut off and the batch looked up by list. */
    static final int ROW_LIMIT_FACTOR = 4;

    /**
     * The table's density is only known from ranges read: a batch whose keys fill at most 1 in this many units of its
     * range is read as a range anyway, once per namespace and then every {@link #PROBE_EVERY}th such batch, to measure
     * it. Without it, a namespace whose ids are shared with another table (as the bench's orders and users share
     * theirs) would never be seen to be dense.
     */
    static final int PROBE_MAX_UNITS_PER_KEY = 8;
    static final int PROBE_EVERY = 64;

    /** The key column of a namespace, as the first result showed it. */
    record KeyColumn(String label, long min, long max) {
    }

    /**
     * The range of one batch.
     *
     * @param wanted the key texts of the batch that the range covers: only their rows are kept
     * @param others the batch's keys that are not canonical integers in the column's range: looked up by list
     */
    record Plan(long low, long high, Set<String> wanted, List<String[]> others, int rowLimit) {
        double width() {
            return (double) high - (double) low + 1;
        }
    }

    private final Map<String, Boolean> readable = new HashMap<>();
    private final Map<String, KeyColumn> keyColumns = new HashMap<>();
    private final Map<String, Double> rowsPerKeyUnit = new HashMap<>();
    private final Map<String, Integer> sinceProbe = new HashMap<>();

    /** Whether a namespace's batches may be read as ranges at all (asked once per namespace). */
    static boolean rangeReadable(Namespace ns, String tenantPlaceholder) {
        if (ns.valueType().collection() || ns.keyColumns().size() != 1) {
            return false;
        }
        Map.Entry<String, String> key = ns.keyColumns().entrySet().iterator().next();
        return ns.sql().rangeReadable(tenantPlaceholder, key.getValue());
    }

    /** Learns the key column's integer type from a result of the namespace's own query (any shape). */
    void learnKeyColumn(Namespace ns, String tenantPlaceholder, ResultSetMetaData md, Map<String, Integer> index) throws SQLException {
        if (keyColumns.containsKey(ns.name()) || !readable.computeIfAbsent(ns.name(), n -> rangeReadable(ns, tenantPlaceholder))) {
            return;
        }
        String label = ns.keyColumns().values().iterator().next().toLowerCase(Locale.ROOT);
        Integer c = index.get(label);
        if (c == null) {
            return;
        }
        long max = switch (md.getColumnType(c + 1)) {
            case Types.TINYINT -> Byte.MAX_VALUE;
            case Types.SMALLINT -> Short.MAX_VALUE;
            case Types.INTEGER -> Integer.MAX_VALUE;
            case Types.BIGINT -> Long.MAX_VALUE;
            default -> 0; // not an integer column: no ranges
        };
        if (max > 0) {
            // an unsigned column holds no negative keys; the signed maximum keeps to what every driver reports alike
            keyColumns.put(ns.name(), new KeyColumn(label, md.isSigned(c + 1) ? -max - 1 : 0, max));
        }
    }

    /** The range for this batch, or null when the key list is expected to be cheaper (or no range is possible). */
    Plan plan(Namespace ns, List<String[]> keyValues) {
        KeyColumn key = keyColumns.get(ns.name());
        if (key == null || keyValues.size() < 2) {
            return null;
        }
        // First only the bounds: most batches are sparse, and they should cost no set of key texts.
        long low = Long.MAX_VALUE;
        long high = Long.MIN_VALUE;
        int covered = 0;
        for (String[] k : keyValues) {
            Long v = canonicalLong(k[0]);
            if (v != null && v >= key.min() && v <= key.max()) {
                covered++;
                low = Math.min(low, v);
                high = Math.max(high, v);
            }
        }
        if (covered < 2) {
            return null;
        }
        double width = (double) high - (double) low + 1;
        // Unique keys give at most one row per unit of key: until a range has shown the table's density, assume it.
        Double density = rowsPerKeyUnit.get(ns.name());
        double expectedRows = width * (density == null ? 1.0 : density);
        if (expectedRows > MAX_ROWS_PER_KEY * covered) {
            int since = sinceProbe.merge(ns.name(), 1, Integer::sum);
            boolean probe = width <= (double) PROBE_MAX_UNITS_PER_KEY * covered && (density == null || since >= PROBE_EVERY);
            if (!probe) {
                return null;
            }
            sinceProbe.put(ns.name(), 0);
            expectedRows = width;
        }
        Set<String> wanted = new HashSet<>(covered * 2);
        List<String[]> others = new ArrayList<>(keyValues.size() - covered);
        for (String[] k : keyValues) {
            Long v = canonicalLong(k[0]);
            if (v != null && v >= key.min() && v <= key.max()) {
                wanted.add(k[0]);
            } else {
                others.add(k);
            }
        }
        int limit = (int) Math.min(Integer.MAX_VALUE - 1L, (long) Math.ceil(expectedRows) * ROW_LIMIT_FACTOR + 64);
        return new Plan(low, high, wanted, others, limit);
    }

    /** What a range returned: the table's rows per unit of key, remembered as a moving average. */
    void observe(Namespace ns, Plan plan, long rows) {
        double density = rows / plan.width();
        rowsPerKeyUnit.merge(ns.name(), density, (old, now) -> (old + now) / 2);
    }

    /** The label of the namespace's key column, once learned. */
    String keyLabel(Namespace ns) {
        return keyColumns.get(ns.name()).label();
    }

    /** {@code text} as a long when it is written exactly as {@link Long#toString(long)} writes it, else null. */
    static Long canonicalLong(String text) {
        int n = text.length();
        if (n == 0 || n > 20) {
            return null;
        }
        int i = text.charAt(0) == '-' ? 1 : 0;
        if (i == n || text.charAt(i) == '0' && n > i + 1 || i == 1 && text.charAt(1) == '0') {
            return null; // "-", leading zeros, "-0"
        }
        for (int j = i; j < n; j++) {
            char c = text.charAt(j);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null; // beyond the long range
        }
    }
}
