package io.cachecheck.source;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachecheck.contract.Namespace;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.contract.SourceSettings;
import io.cachecheck.error.ContractException;
import io.cachecheck.error.SourceDeadlineException;
import io.cachecheck.error.SourceUnavailableException;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.SQLRecoverableException;
import java.sql.Types;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * Reads source rows through the AWS Advanced JDBC Wrapper. One instance per thread: it owns one connection, opened
 * lazily and re-opened after connection errors (failover, {@code pg_terminate_backend}, a SnapStart restore).
 * Key values are always bound as parameters.
 */
public final class JdbcSource implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** The JDBC query timeout of every statement; a deadline can only shorten it. */
    static final int MAX_QUERY_TIMEOUT_SECONDS = 60;

    private final SourceSettings settings;
    private final SecretResolver secrets;
    private final int maxRetries;
    private final long backoffMillis;
    /** The time left to the caller's deadline, or null when there is none. */
    private final Supplier<Duration> timeLeft;
    /** Rows kept per key of a collection namespace ({@code check.maxMembers}); more mark the key too large. */
    private final int maxMembers;
    private Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    /** The statements kept as named server-side statements (a subset of {@link #statements}). */
    private final java.util.Set<PreparedStatement> named = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    /** The guard tag each named statement checks, bound as its last two parameters ({@link StatementGuard}). */
    private final Map<PreparedStatement, String> guards = new java.util.IdentityHashMap<>();
    private final Map<String, Columns> columns = new HashMap<>();
    /** The text of each prepared statement, for the position in an error ({@link SqlErrors#describe}). */
    private final Map<String, String> texts = new HashMap<>();
    /** The text of the statement being executed: the contract's SQL with bind markers, never a value. */
    private String executing;
    /**
     * PostgreSQL: every query runs in its own READ ONLY transaction (auto-commit off), ended after the query
     * ({@link ReadOnlySession}).
     */
    private final boolean transactional;
    /**
     * The attempt after the wrapper reported a failover executes on the driver's own statement. The wrapper's failover
     * plugin (in its default strict-writer mode) takes a refusal by a read-only session (PostgreSQL SQLState 25006;
     * MySQL errors 1290 and 1836, a read-only server) for a sign of a demoted writer: it reconnects and reports only
     * that the connection changed, so a query that tries to write would look like a failover on every attempt. Run
     * once without the wrapper, it gets the database's own answer: the refusal, or, after a genuine failover, its
     * rows.
     */
    private boolean direct;
    /** Range reads: what this source has learned of each namespace's key column and table density. */
    private final RangeReads ranges = new RangeReads();
    /** How many batches were read as ranges (for tests). */
    private long rangeReads;
    /**
     * Whether array lookups may be kept as named server-side statements (PostgreSQL). Off when the URL sets
     * {@code prepareThreshold} itself (for example {@code prepareThreshold=0} behind a transaction-mode pooler), and
     * switched off for good after the server lost such a statement.
     */
    private boolean serverPrepare;

    /** A source without a deadline (tenant discovery): every query may run for {@value #MAX_QUERY_TIMEOUT_SECONDS} s. */
    public JdbcSource(SourceSettings settings, SecretResolver secrets, int maxRetries, long backoffMillis) {
        this(settings, secrets, maxRetries, backoffMillis, null);
    }

    /**
     * A source that stops at a deadline: each query's timeout is the time left (at least 1 s, at most
     * {@value #MAX_QUERY_TIMEOUT_SECONDS} s), and no retry starts once it has passed. A lookup that runs into the
     * deadline fails with {@link SourceDeadlineException}.
     *
     * @param timeLeft the time left to the deadline, asked before every query and retry; null = no deadline
     */
    public JdbcSource(SourceSettings settings, SecretResolver secrets, int maxRetries, long backoffMillis,
                      Supplier<Duration> timeLeft) {
        this(settings, secrets, maxRetries, backoffMillis, timeLeft, io.cachecheck.contract.CheckSettings.DEFAULT_MAX_MEMBERS);
    }

    /** As above, keeping at most {@code maxMembers} rows per key of a collection namespace (set, zset, list). */
    public JdbcSource(SourceSettings settings, SecretResolver secrets, int maxRetries, long backoffMillis,
                      Supplier<Duration> timeLeft, int maxMembers) {
        this.maxMembers = maxMembers;
        this.settings = settings;
        this.secrets = secrets;
        this.maxRetries = maxRetries;
        this.backoffMillis = backoffMillis;
        this.timeLeft = timeLeft;
        this.serverPrepare = !settings.url().contains("prepareThreshold");
        this.transactional = settings.dialect() == SourceSettings.Dialect.POSTGRESQL;
    }

    /** The contract field of a namespace's query, as errors name it. */
    private static String field(Namespace ns) {
        return "namespaces[" + ns.name() + "].sql";
    }

    /** Runs the contract's tenant discovery query. */
    public List<Map<String, Object>> query(String sql) {
        return query(sql, List.of());
    }

    /** Runs a read query in the same read-only session, with {@code ?} parameters bound as text, in order. */
    public List<Map<String, Object>> query(String sql, List<String> parameters) {
        return withRetry("tenant discovery", () -> {
            try (PreparedStatement ps = prepareChecked(sql)) {
                ps.setQueryTimeout(queryTimeoutSeconds());
                for (int i = 0; i < parameters.size(); i++) {
                    ps.setString(i + 1, parameters.get(i));
                }
                try (ResultSet rs = execute(ps)) {
                    List<Map<String, Object>> rows = new ArrayList<>();
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        Map<String, Object> row = new java.util.LinkedHashMap<>();
                        for (int c = 1; c <= md.getColumnCount(); c++) {
                            row.put(md.getColumnLabel(c).toLowerCase(Locale.ROOT), rs.getString(c));
                        }
                        rows.add(row);
                    }
                    return rows;
                }
            }
        }, "tenants.sql");
    }

    /**
     * The rows of a batch by key tuple, and the key tuples the source refused as values (for example {@code abc} for
     * a {@code bigint} column), each with the SQLState, so that one bad key is reported instead of failing the run.
     */
    public record Fetched(Map<String, SourceRow> rows, Map<String, String> rejected, Map<String, MemberRows> members) {
        /** The rows of a namespace that is not a collection: one row per key. */
        public Fetched(Map<String, SourceRow> rows, Map<String, String> rejected) {
            this(rows, rejected, Map.of());
        }
    }

    /**
     * Fetches the rows for a batch of keys of one tenant.
     *
     * <p>When the source refuses a key value (SQLState class 22, data exception), the batch is split in halves until
     * the refused keys are isolated: they are returned in {@link Fetched#rejected()} and every other key is looked up
     * as usual.
     *
     * @param keyValues per key, the values of the namespace's non-tenant placeholders in {@code keyColumns} order
     */
    public Fetched fetch(Namespace ns, String tenantPlaceholder, String tenantId, List<String[]> keyValues) {
        Map<String, SourceRow> rows = new HashMap<>(keyValues.size() * 2);
        Map<String, String> rejected = new HashMap<>();
        Map<String, MemberRows> members = ns.valueType().collection() ? new HashMap<>(keyValues.size() * 2) : null;
        List<String[]> listed = keyValues;
        RangeReads.Plan range = members == null ? ranges.plan(ns, keyValues) : null;
        if (range != null && fetchRange(ns, tenantPlaceholder, tenantId, range, rows)) {
            listed = range.others();
        }
        if (!listed.isEmpty()) {
            fetchInto(ns, tenantPlaceholder, tenantId, listed, new Into(rows, members), rejected);
        }
        return new Fetched(rows, rejected, members == null ? Map.of() : members);
    }

    /** How many batches this source has read as key ranges. */
    long rangeReads() {
        return rangeReads;
    }

    /** Whether this namespace's batches may be read as key ranges ({@link RangeReads}). */
    public static boolean rangeReadable(Namespace ns, String tenantPlaceholder) {
        return RangeReads.rangeReadable(ns, tenantPlaceholder);
    }

    /**
     * Reads the rows of a batch's key range ({@code <key column> BETWEEN low AND high}), keeping only the rows of the
     * batch's own keys. Dense keys cost the database a fraction of a key-list lookup: one index range in key order
     * instead of one descent per key (docs/performance.md, "Range reads").
     *
     * @return false when the range was not read after all (it returned more rows than its limit, or the source
     *     refused a bound): then the caller looks the keys up by list, and nothing was added to {@code into}
     */
    private boolean fetchRange(Namespace ns, String tenantPlaceholder, String tenantId, RangeReads.Plan plan,
                               Map<String, SourceRow> into) {
        String cacheKey = ns.name() + "/range";
        Map<String, SourceRow> rows = new HashMap<>(plan.wanted().size() * 2);
        long[] count = new long[1];
        try {
            withRetry("source lookup for namespace " + ns.name(), () -> {
                rows.clear(); // a retry starts over
                // Unnamed, unlike the "= ANY" lookups: behind a transaction-mode pooler a named statement can land on
                // a server connection where that name is another client's statement of the same signature, and the
                // range statements of two namespaces have the same one. A range's planning is small next to its rows.
                PreparedStatement ps = statement(cacheKey, () -> ns.sql().renderRange(tenantPlaceholder), false);
                PreparedStatement binder = ps.unwrap(PreparedStatement.class);
                int index = 1;
                for (String param : ns.sql().parameterOccurrences()) {
                    if (param.equals(tenantPlaceholder)) {
                        binder.setString(index++, tenantId);
                    } else {
                        binder.setLong(index++, plan.low());
                        binder.setLong(index++, plan.high());
                    }
                }
                ps.setMaxRows(plan.rowLimit());
                try (ResultSet rs = executeLookup(ps)) {
                    Columns cols = columns(rs, ns, cacheKey, tenantPlaceholder);
                    int key = cols.index.get(ranges.keyLabel(ns));
                    ResultSet cells = rs.unwrap(ResultSet.class);
                    long n = 0;
                    while (rs.next()) {
                        n++;
                        // only the key cell is read for a row no key of the batch wants
                        String tuple = keyText(read(cells, cols, key));
                        if (plan.wanted().contains(tuple)) {
                            rows.put(tuple, readRow(cells, cols));
                        }
                    }
                    count[0] = n;
                }
                return null;
            }, "namespace " + ns.name() + " sql");
        } catch (RejectedValue e) {
            return false;
        }
        ranges.observe(ns, plan, count[0]);
        rangeReads++;
        if (count[0] >= plan.rowLimit()) {
            return false; // cut short: some key's row may be missing
        }
        into.putAll(rows);
        return true;
    }

    /** The most (tenant, namespace) groups one combined lookup carries. */
    public static final int MAX_PARTS = 16;

    /** The label of the part number column a combined lookup adds; unlikely to clash with a contract's columns. */
    static final String PART_COLUMN = "cachecheck_part__";

    /** Whether small groups of this namespace can share one statement ({@link #fetchParts}): PostgreSQL only. */
    public static boolean canCombine(SourceSettings settings, Namespace ns, String tenantPlaceholder) {
        // Not for collections: their rows are many per key, in an order that UNION ALL does not promise to keep.
        return settings.dialect() == SourceSettings.Dialect.POSTGRESQL && ns.sql().combinable(tenantPlaceholder)
                && !ns.valueType().collection();
    }

    /**
     * Fetches the rows of several small groups of one namespace in one statement: the contract's query once per
     * group, each wrapped as {@code SELECT <part> AS cachecheck_part__, q.* FROM (<sql>) q}, joined by
     * {@code UNION ALL}. Each part binds its own tenant and key array, so the rows of a part are exactly what the
     * query returns for that group alone. When a key value is refused, the parts are looked up one by one (each
     * isolating its refused keys).
     *
     * @return one {@link Fetched} per part, in order
     */
    public List<Fetched> fetchParts(Namespace ns, String tenantPlaceholder, List<String> tenants, List<List<String[]>> keyValues) {
        int parts = tenants.size();
        List<Map<String, SourceRow>> rows = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            rows.add(new HashMap<>(keyValues.get(p).size() * 2));
        }
        List<String> keyPlaceholders = new ArrayList<>(ns.keyColumns().keySet());
        try {
            withRetry("source lookup for namespace " + ns.name(), () -> {
                rows.forEach(Map::clear); // a retry starts over
                // Padded to a power of two with empty parts ("= ANY('{}')" matches nothing): four statement shapes
                // per namespace instead of fifteen, so fewer statements go through PostgreSQL's first, custom-planned
                // executions.
                int shape = paddedSize(parts);
                String cacheKey = ns.name() + "/parts/" + shape;
                PreparedStatement ps = statement(cacheKey, () -> combinedSql(ns.sql().renderArrays(tenantPlaceholder), shape), true);
                PreparedStatement binder = ps.unwrap(PreparedStatement.class);
                int index = 1;
                for (int p = 0; p < shape; p++) {
                    for (String param : ns.sql().parameterOccurrences()) {
                        binder.setString(index++, param.equals(tenantPlaceholder) ? tenants.get(Math.min(p, parts - 1))
                                : p < parts ? arrayLiteral(keyValues.get(p), keyPlaceholders.indexOf(param)) : "{}");
                    }
                }
                bindGuard(ps, binder, index);
                try (ResultSet rs = executeLookup(ps)) {
                    Columns cols = columns(rs, ns, cacheKey, tenantPlaceholder);
                    ResultSet cells = rs.unwrap(ResultSet.class);
                    while (rs.next()) {
                        SourceRow row = readRow(cells, cols);
                        int part = ((BigDecimal) row.get(PART_COLUMN)).intValueExact();
                        if (part < parts) {
                            rows.get(part).put(keyTuple(ns, row), row);
                        }
                    }
                }
                return null;
            }, field(ns));
        } catch (RejectedValue e) {
            List<Fetched> out = new ArrayList<>(parts);
            for (int p = 0; p < parts; p++) {
                out.add(fetch(ns, tenantPlaceholder, tenants.get(p), keyValues.get(p)));
            }
            return out;
        }
        List<Fetched> out = new ArrayList<>(parts);
        for (Map<String, SourceRow> r : rows) {
            out.add(new Fetched(r, Map.of()));
        }
        return out;
    }

    static String combinedSql(String partSql, int parts) {
        StringBuilder sql = new StringBuilder((partSql.length() + 64) * parts);
        for (int p = 0; p < parts; p++) {
            if (p > 0) {
                sql.append("\nUNION ALL\n");
            }
            // the newline before ")" ends a trailing "--" comment of the contract's query
            sql.append("SELECT ").append(p).append(" AS ").append(PART_COLUMN).append(", q.* FROM (\n")
                    .append(partSql).append("\n) q");
        }
        return sql.toString();
    }

    /** Where a lookup puts its rows: one per key, or for a collection namespace ({@code members} not null) many. */
    private record Into(Map<String, SourceRow> rows, Map<String, MemberRows> members) {
    }

    private void fetchInto(Namespace ns, String tenantPlaceholder, String tenantId, List<String[]> keyValues,
                           Into into, Map<String, String> rejected) {
        try {
            if (!fetchBatch(ns, tenantPlaceholder, tenantId, keyValues, into) || keyValues.size() == 1) {
                return;
            }
            // The collection rows of the batch passed the batch's row limit, so some key may have lost rows to it:
            // look the keys up one by one, each limited to maxMembers + 1 rows.
            for (String[] key : keyValues) {
                into.members().remove(keyTuple(key));
            }
            for (String[] key : keyValues) {
                fetchInto(ns, tenantPlaceholder, tenantId, List.<String[]>of(key), into, rejected);
            }
        } catch (RejectedValue e) {
            if (keyValues.size() == 1) {
                rejected.put(keyTuple(keyValues.get(0)), e.sqlState);
                return;
            }
            int half = keyValues.size() / 2;
            fetchInto(ns, tenantPlaceholder, tenantId, keyValues.subList(0, half), into, rejected);
            fetchInto(ns, tenantPlaceholder, tenantId, keyValues.subList(half, keyValues.size()), into, rejected);
        }
    }

    /**
     * A data exception from a named statement, which is retried at once with unnamed statements, outside the retry
     * budget: it can happen once per source (see {@link #executeLookup}).
     */
    private static final class RetryUnnamed extends SQLRecoverableException {
        RetryUnnamed(String state, SQLException cause) {
            super("data exception (SQLState " + state + ") from a server-side prepared statement; retrying with unnamed statements",
                    state, cause);
        }
    }

    /** A data exception (SQLState class 22) for one batch: some key value is not valid for its column. */
    private static final class RejectedValue extends RuntimeException {
        final String sqlState;

        RejectedValue(String sqlState) {
            super(sqlState, null, false, false);
            this.sqlState = sqlState;
        }
    }

    /** @return whether a collection lookup returned as many rows as its limit (so the result may be cut short) */
    private boolean fetchBatch(Namespace ns, String tenantPlaceholder, String tenantId, List<String[]> keyValues,
                               Into into) {
        List<String> keyPlaceholders = new ArrayList<>(ns.keyColumns().keySet());
        // PostgreSQL takes each key list as one array parameter ("= ANY(?)"): one statement text for every batch
        // size, a plan PostgreSQL can cache, and one bind value instead of one per key (docs/performance.md).
        boolean arrays = arrayLookup(settings, ns, tenantPlaceholder);
        int size = arrays ? keyValues.size() : paddedSize(keyValues.size());
        String where = field(ns);
        // A collection's rows are bounded per batch: at most maxMembers + 1 per key (one more than is compared, to
        // see that a key has too many). Reaching the limit means some key may be cut short (see fetchInto).
        long rowLimit = into.members() == null ? 0 : Math.min(Integer.MAX_VALUE, keyValues.size() * (maxMembers + 1L));
        return withRetry("source lookup for namespace " + ns.name(), () -> {
            PreparedStatement ps = statement(ns, tenantPlaceholder, arrays ? -1 : size);
            // Binding is local to the driver (nothing goes to the server until executeQuery), so it is done on the
            // driver's own statement: through the wrapper each of the ~500 setString calls per batch went through
            // its plugin chain. The query itself still executes through the wrapper, so failover and monitoring
            // see it.
            PreparedStatement binder = ps.unwrap(PreparedStatement.class);
            int index = 1;
            for (String param : ns.sql().parameterOccurrences()) {
                if (param.equals(tenantPlaceholder)) {
                    binder.setString(index++, tenantId);
                } else if (arrays) {
                    binder.setString(index++, arrayLiteral(keyValues, keyPlaceholders.indexOf(param)));
                } else {
                    int p = keyPlaceholders.indexOf(param);
                    for (int k = 0; k < size; k++) {
                        // pad with the last key so the statement text (and its server-side plan) is reused
                        binder.setString(index++, keyValues.get(Math.min(k, keyValues.size() - 1))[p]);
                    }
                }
            }
            bindGuard(ps, binder, index);
            if (rowLimit > 0) {
                ps.setMaxRows((int) rowLimit); // on every execution: the statement is reused for other batch sizes
            }
            try (ResultSet rs = executeLookup(ps)) {
                Columns cols = columns(rs, ns, ns.name() + '/' + (arrays ? -1 : size), tenantPlaceholder);
                // The rows are already in the driver's memory (auto-commit on: pgjdbc, MariaDB and MySQL read the
                // whole result), so cells are read from the driver's own result set instead of through the
                // wrapper's plugin chain; rows are still advanced through the wrapper.
                ResultSet cells = rs.unwrap(ResultSet.class);
                if (into.members() == null) {
                    while (rs.next()) {
                        SourceRow row = readRow(cells, cols);
                        into.rows().put(keyTuple(ns, row), row);
                    }
                    return false;
                }
                // gathered apart and kept only once the whole result is read: a retry starts over. Only the batch's
                // own keys are kept: composite keys can also match rows of other key tuples (docs/contract.md).
                java.util.Set<String> wanted = new java.util.HashSet<>(keyValues.size() * 2);
                keyValues.forEach(k -> wanted.add(keyTuple(k)));
                Map<String, MemberRows> members = new HashMap<>();
                long count = 0;
                while (rs.next()) {
                    SourceRow row = readRow(cells, cols);
                    String tuple = keyTuple(ns, row);
                    if (wanted.contains(tuple)) {
                        MemberRows.add(members, tuple, row, maxMembers);
                    }
                    count++;
                }
                into.members().putAll(members);
                return count >= rowLimit;
            }
        }, where);
    }

    /** Whether a key-list lookup binds each key list as one array ({@code = ANY(?)}), rather than one marker per key. */
    private static boolean arrayLookup(SourceSettings settings, Namespace ns, String tenantPlaceholder) {
        return settings.dialect() == SourceSettings.Dialect.POSTGRESQL && ns.sql().arrayBindable(tenantPlaceholder);
    }

    /**
     * The statement a lookup of one key runs ({@link #fetch} with one key: never a key range, which needs two keys),
     * and what it binds, in order. The values come from the key, never from a cached value.
     */
    public record LookupStatement(String sql, List<BoundParameter> parameters) {
    }

    /**
     * One bind value.
     *
     * @param name   the contract's named parameter ({@code :tenant_id})
     * @param value  the text bound: the tenant id, the key's placeholder value, or for an array lookup the array
     *               literal of the one key
     * @param tenant whether this is the tenant parameter
     */
    public record BoundParameter(int index, String name, String value, boolean tenant) {
    }

    /** The statement and bind values of a one-key lookup, exactly as {@link #fetch} builds them. */
    public static LookupStatement lookupStatement(SourceSettings settings, Namespace ns, String tenantPlaceholder,
                                                  String tenantId, String[] keyValues) {
        boolean arrays = arrayLookup(settings, ns, tenantPlaceholder);
        String sql = arrays ? ns.sql().renderArrays(tenantPlaceholder) : ns.sql().render(tenantPlaceholder, paddedSize(1));
        List<String> keyPlaceholders = new ArrayList<>(ns.keyColumns().keySet());
        List<BoundParameter> params = new ArrayList<>();
        int index = 1;
        for (String param : ns.sql().parameterOccurrences()) {
            boolean tenant = param.equals(tenantPlaceholder);
            String value = tenant ? tenantId : arrays ? arrayLiteral(List.<String[]>of(keyValues), keyPlaceholders.indexOf(param))
                    : keyValues[keyPlaceholders.indexOf(param)];
            params.add(new BoundParameter(index++, param, value, tenant));
        }
        return new LookupStatement(sql, List.copyOf(params));
    }

    /** The result's column readers, resolved and checked against the mapping once per statement shape. */
    private Columns columns(ResultSet rs, Namespace ns, String cacheKey, String tenantPlaceholder) throws SQLException {
        Columns cols = columns.get(cacheKey);
        if (cols == null) {
            ResultSetMetaData md = rs.getMetaData();
            cols = Columns.of(md, settings.dialect() != SourceSettings.Dialect.POSTGRESQL);
            checkColumns(ns, cols.labels);
            checkCollectionColumns(ns, cols);
            ranges.learnKeyColumn(ns, tenantPlaceholder, md, cols.index);
            columns.put(cacheKey, cols);
        }
        return cols;
    }

    /** The current row, read from the driver's own result set. */
    private static SourceRow readRow(ResultSet cells, Columns cols) throws SQLException {
        Object[] values = new Object[cols.labels.length];
        for (int c = 0; c < values.length; c++) {
            values[c] = read(cells, cols, c);
        }
        return SourceRow.of(cols.index, values);
    }

    /**
     * Executes through the wrapper, so that its failover and monitoring plugins see the query; or, for the one attempt
     * after the wrapper reported a failover, on the driver's own statement ({@link #direct}).
     */
    private ResultSet execute(PreparedStatement ps) throws SQLException {
        return direct ? ps.unwrap(PreparedStatement.class).executeQuery() : ps.executeQuery();
    }

    private ResultSet executeLookup(PreparedStatement ps) throws SQLException {
        // Set per execution, not when the statement is prepared: statements are reused while the deadline comes nearer.
        ps.setQueryTimeout(queryTimeoutSeconds());
        try {
            return execute(ps);
        } catch (SQLException e) {
            String state = e.getSQLState();
            if (state != null && state.startsWith("22")) {
                if (serverPrepare && named.contains(ps)) {
                    // Behind a transaction-mode pooler a named statement can run on a server connection where its
                    // name is another client's statement of the same signature (another namespace's "= ANY"), and
                    // this batch's keys then fail that statement's column type. So a data exception from a named
                    // statement is not believed: this source switches to unnamed statements and retries the batch
                    // on a new connection; a key the column really refuses fails again and is isolated as usual.
                    serverPrepare = false;
                    throw new RetryUnnamed(state, e);
                }
                throw new RejectedValue(state);
            }
            if (serverPrepare && ("26000".equals(state) || "42P05".equals(state))) {
                // "prepared statement S_1 does not exist / already exists": a pooler in transaction mode (PgBouncer
                // before 1.21) moved the session. From now on this source uses unnamed statements only, and the batch
                // is retried on a new connection.
                serverPrepare = false;
                throw new PreparedStatementLost("server-side prepared statement lost (SQLState " + state
                        + "), as behind a transaction-mode pooler; retrying with unnamed statements", state, e);
            }
            throw e;
        }
    }

    /**
     * A PostgreSQL array literal of one key column's values, every element quoted, sent untyped so that the server
     * gives it the array type of the column it is compared with ({@code bigint[]}, {@code uuid[]}, {@code text[]}).
     */
    static String arrayLiteral(List<String[]> keyValues, int placeholder) {
        StringBuilder out = new StringBuilder(keyValues.size() * 12 + 2).append('{');
        for (int k = 0; k < keyValues.size(); k++) {
            if (k > 0) {
                out.append(',');
            }
            String v = keyValues.get(k)[placeholder];
            out.append('"');
            if (v.indexOf('"') < 0 && v.indexOf('\\') < 0) {
                out.append(v);
            } else {
                for (int i = 0; i < v.length(); i++) {
                    char c = v.charAt(i);
                    if (c == '"' || c == '\\') {
                        out.append('\\');
                    }
                    out.append(c);
                }
            }
            out.append('"');
        }
        return out.append('}').toString();
    }

    /** The key tuple of a row, comparable with {@link #keyTuple(String[])}. */
    static String keyTuple(Namespace ns, SourceRow row) {
        StringBuilder out = new StringBuilder();
        for (String column : ns.keyColumns().values()) {
            if (out.length() > 0) {
                out.append('\u0000');
            }
            out.append(keyText(row.get(column)));
        }
        return out.toString();
    }

    public static String keyTuple(String[] keyValues) {
        return keyValues.length == 1 ? keyValues[0] : String.join("\u0000", keyValues);
    }

    private static String keyText(Object value) {
        if (value instanceof BigDecimal d) {
            return d.stripTrailingZeros().toPlainString();
        }
        if (value instanceof com.fasterxml.jackson.databind.JsonNode n) {
            return n.asText();
        }
        return String.valueOf(value);
    }

    private static void checkColumns(Namespace ns, String[] labels) {
        List<String> have = List.of(labels);
        List<String> needed = new ArrayList<>(ns.keyColumns().values());
        ns.fields().forEach(f -> needed.add(f.column()));
        if (ns.version() != null) {
            needed.add(ns.version().column());
        }
        for (String column : needed) {
            if (!have.contains(column.toLowerCase(Locale.ROOT))) {
                throw new ContractException("namespace " + ns.name() + ": column '" + column + "' is mapped but the sql does not return it; "
                        + "the sql returns " + have + "; select it or fix the mapping");
            }
        }
    }

    /**
     * A collection's member column cannot be a timestamp: scalar timestamps are compared at the lower precision of
     * the pair, which has no meaning for a set of them. A zset's score column must be numeric, like Redis scores.
     */
    private static void checkCollectionColumns(Namespace ns, Columns cols) {
        if (!ns.valueType().collection()) {
            return;
        }
        Kind member = cols.kinds[cols.index.get(ns.memberColumn().toLowerCase(Locale.ROOT))];
        if (member == Kind.TIMESTAMP || member == Kind.TIMESTAMP_TZ) {
            throw new ContractException("namespace " + ns.name() + ": member column '" + ns.memberColumn() + "' is a timestamp;"
                    + " members of a collection are compared as text, numbers, booleans, dates or JSON, so select it as the"
                    + " cache writes it (e.g. to_char(...) for ISO text, or extract(epoch from ...) for epoch seconds)");
        }
        if (ns.scoreColumn() != null) {
            Kind score = cols.kinds[cols.index.get(ns.scoreColumn().toLowerCase(Locale.ROOT))];
            if (score != Kind.INTEGER && score != Kind.DECIMAL && score != Kind.FLOAT) {
                throw new ContractException("namespace " + ns.name() + ": score column '" + ns.scoreColumn() + "' is not numeric;"
                        + " Redis scores are numbers, so map a numeric column (or cast it, e.g. CAST(x AS numeric))");
            }
        }
    }

    /** How to read one column, decided once per statement from its metadata. */
    private enum Kind { INTEGER, DECIMAL, FLOAT, BOOLEAN, MYSQL_BOOLEAN, TIMESTAMP, TIMESTAMP_TZ, DATE, JSON, ARRAY, TEXT }

    /**
     * The labels and readers of a statement's result columns. Resolved once per prepared statement: asking the
     * metadata (type, type name, scale) for every cell went through the wrapper's plugin chain each time and was
     * about 8% of the validator's CPU (docs/performance.md).
     */
    private record Columns(String[] labels, Kind[] kinds, int[] precisions, Map<String, Integer> index) {
        static Columns of(ResultSetMetaData md, boolean mysqlFamily) throws SQLException {
            int n = md.getColumnCount();
            String[] labels = new String[n];
            Kind[] kinds = new Kind[n];
            int[] precisions = new int[n];
            for (int c = 0; c < n; c++) {
                labels[c] = md.getColumnLabel(c + 1).toLowerCase(Locale.ROOT);
                kinds[c] = kind(md, c + 1, mysqlFamily);
                if (kinds[c] == Kind.TIMESTAMP || kinds[c] == Kind.TIMESTAMP_TZ) {
                    precisions[c] = precision(md, c + 1, mysqlFamily);
                }
            }
            Map<String, Integer> index = new HashMap<>(n * 2);
            for (int c = 0; c < n; c++) {
                index.put(labels[c], c); // a label selected twice reads as its last column, as before
            }
            return new Columns(labels, kinds, precisions, Map.copyOf(index));
        }
    }

    private static Kind kind(ResultSetMetaData md, int c, boolean mysqlFamily) throws SQLException {
        return switch (md.getColumnType(c)) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> Kind.INTEGER;
            case Types.NUMERIC, Types.DECIMAL -> Kind.DECIMAL;
            case Types.REAL, Types.FLOAT, Types.DOUBLE -> Kind.FLOAT;
            case Types.BOOLEAN, Types.BIT -> mysqlFamily ? Kind.MYSQL_BOOLEAN : Kind.BOOLEAN;
            case Types.TIMESTAMP -> {
                String typeName = md.getColumnTypeName(c).toLowerCase(Locale.ROOT);
                yield typeName.contains("tz") || typeName.contains("time zone") ? Kind.TIMESTAMP_TZ : Kind.TIMESTAMP;
            }
            case Types.TIMESTAMP_WITH_TIMEZONE -> Kind.TIMESTAMP_TZ;
            case Types.DATE -> Kind.DATE;
            case Types.ARRAY -> Kind.ARRAY;
            default -> {
                String typeName = md.getColumnTypeName(c).toLowerCase(Locale.ROOT);
                yield typeName.equals("json") || typeName.equals("jsonb") ? Kind.JSON : Kind.TEXT;
            }
        };
    }

    private static Object read(ResultSet rs, Columns cols, int index) throws SQLException {
        int c = index + 1;
        switch (cols.kinds[index]) {
            case INTEGER -> {
                long v = rs.getLong(c);
                return rs.wasNull() ? null : BigDecimal.valueOf(v);
            }
            case DECIMAL -> {
                return rs.getBigDecimal(c);
            }
            case FLOAT -> {
                double v = rs.getDouble(c);
                return rs.wasNull() ? null : new BigDecimal(Double.toString(v));
            }
            case BOOLEAN -> {
                boolean v = rs.getBoolean(c);
                return rs.wasNull() ? null : v;
            }
            case MYSQL_BOOLEAN -> {
                // Both MySQL drivers report TINYINT(1) (and BOOLEAN, its alias) as a boolean type, but the column
                // holds any TINYINT: getBoolean would read 2 or -1 as true, so a cached true would match 2 and a
                // cached 2 would not. Only 0 and 1 are booleans; other values compare as the numbers they are.
                long v = rs.getLong(c);
                if (rs.wasNull()) {
                    return null;
                }
                return v == 0 ? Boolean.FALSE : v == 1 ? Boolean.TRUE : BigDecimal.valueOf(v);
            }
            case TIMESTAMP -> {
                LocalDateTime v = rs.getObject(c, LocalDateTime.class);
                return v == null ? null : new TemporalValue(v.toInstant(ZoneOffset.UTC), cols.precisions[index]);
            }
            case TIMESTAMP_TZ -> {
                OffsetDateTime v = rs.getObject(c, OffsetDateTime.class);
                return v == null ? null : new TemporalValue(v.toInstant(), cols.precisions[index]);
            }
            case DATE -> {
                return rs.getObject(c, LocalDate.class);
            }
            case JSON -> {
                String text = rs.getString(c);
                if (text == null) {
                    return null;
                }
                try {
                    return JSON.readTree(text);
                } catch (java.io.IOException e) {
                    return text;
                }
            }
            case ARRAY -> {
                java.sql.Array array = rs.getArray(c);
                if (array == null) {
                    return null;
                }
                try {
                    return SqlArrays.toJson(array.getArray());
                } finally {
                    array.free();
                }
            }
            default -> {
                return rs.getString(c);
            }
        }
    }

    private static int precision(ResultSetMetaData md, int c, boolean mysqlFamily) throws SQLException {
        int scale = md.getScale(c);
        if (scale == 0 && mysqlFamily) {
            // MySQL Connector/J reports scale 0 for DATETIME(3) or TIMESTAMP(6) (the MariaDB driver reports 3 and 6);
            // its display precision is 19 + 1 + the fraction digits. Reading it as 0 would compare such columns to
            // the second and call a cached .999 equal to a stored .500.
            int precision = md.getPrecision(c);
            if (precision >= 21 && precision <= 29) {
                return precision - 20;
            }
        }
        return scale < 0 || scale > 9 ? 6 : scale;
    }

    /** Binds a named statement's guard tag (its last two parameters, after {@code index - 1} bound ones). */
    private void bindGuard(PreparedStatement ps, PreparedStatement binder, int index) throws SQLException {
        String guard = guards.get(ps);
        if (guard != null) {
            binder.setString(index, guard);
            binder.setString(index + 1, guard);
        }
    }

    private PreparedStatement statement(Namespace ns, String tenantPlaceholder, int size) throws SQLException {
        // Only a query that can be wrapped as a subquery (no trailing ';') is kept as a named statement: the wrapping is
        // what makes a named statement safe behind a pooler (StatementGuard).
        return statement(ns.name() + '/' + size, () -> size < 0 ? ns.sql().renderArrays(tenantPlaceholder)
                : ns.sql().render(tenantPlaceholder, size), size < 0 && ns.sql().combinable(tenantPlaceholder));
    }

    /** The connection's prepared statement for {@code cacheKey}, prepared from {@code sql} the first time. */
    private PreparedStatement statement(String cacheKey, java.util.function.Supplier<String> sql, boolean arrays) throws SQLException {
        PreparedStatement ps = statements.get(cacheKey);
        if (ps == null) {
            String text = sql.get();
            String guard = null;
            if (arrays && serverPrepare && settings.dialect() == SourceSettings.Dialect.POSTGRESQL) {
                guard = StatementGuard.tag(text);
                text = StatementGuard.wrap(text, guard);
            }
            ps = prepare(text, arrays);
            if (guard != null && named.contains(ps)) {
                guards.put(ps, guard);
            }
            statements.put(cacheKey, ps);
            texts.put(cacheKey, text);
        }
        executing = texts.get(cacheKey);
        return ps;
    }

    /** @param arrays an {@code = ANY(?)} lookup, which may be kept as a named server-side statement */
    private PreparedStatement prepare(String sql, boolean arrays) throws SQLException {
        PreparedStatement ps = prepareChecked(sql);
        // PostgreSQL reads the whole result (as with auto-commit on) instead of a cursor 500 rows at a time: the
        // transaction around each query turns auto-commit off, and a lookup's result is one batch anyway.
        ps.setFetchSize(transactional ? 0 : 500);
        if (arrays && serverPrepare && ps.isWrapperFor(org.postgresql.PGStatement.class)) {
            // "= ANY($2)" plans the same for every batch, so the parse and plan can be kept on the server
            ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(1);
            named.add(ps);
        }
        return ps;
    }

    /** Batches are padded to a power of two so that only a handful of distinct statements exist per namespace. */
    static int paddedSize(int n) {
        int size = 1;
        while (size < n) {
            size <<= 1;
        }
        return size;
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            statements.clear();
            named.clear();
            guards.clear();
            columns.clear();
            texts.clear();
            SecretResolver.Resolved auth = secrets.resolve(settings.credentials(), "source.auth");
            Properties props = new Properties();
            if (auth.username() != null) {
                props.setProperty("user", auth.username());
            }
            if (auth.password() != null) {
                props.setProperty("password", auth.password());
            }
            if (settings.dialect() == SourceSettings.Dialect.POSTGRESQL) {
                // Key placeholders are text; let the server type them (e.g. bigint ids) instead of failing on varchar = bigint.
                props.setProperty("stringtype", "unspecified");
                props.setProperty("ApplicationName", "cachecheck");
                // Unnamed statements by default: after five executions PostgreSQL may switch a named statement to
                // a generic plan, and for "tenant_id = $1 AND id IN ($2..$513)" the generic plan filters the whole
                // tenant against the IN list (790 ms instead of 1.5 ms per batch of 512 for a 22k-row tenant, see
                // docs/performance.md). Only the "= ANY(?)" lookups, whose generic plan is an index scan on both
                // columns, opt in to a named statement (see statement()).
                props.setProperty("prepareThreshold", "0");
                // BEGIN READ ONLY for each transaction, never a session-wide SET (see ReadOnlySession); the loader refuses
                // a readOnlyMode in the URL, which would take precedence.
                props.setProperty("readOnlyMode", "transaction");
            }
            // 10 s to connect. pgjdbc reads connectTimeout in seconds; MySQL Connector/J and MariaDB Connector/J in
            // milliseconds, where "10" would give up after 10 ms on any network slower than loopback.
            props.setProperty("connectTimeout", settings.dialect() == SourceSettings.Dialect.POSTGRESQL ? "10" : "10000");
            if (!settings.url().contains("wrapperPlugins")) {
                // The wrapper's default set adds the Aurora initial-connection strategy, which turns a refused
                // connection into a 30 s wait per attempt; failover2 + efm2 keep RDS/Aurora failover handling.
                props.setProperty("wrapperPlugins", "failover2,efm2");
            }
            Connection opened = DriverManager.getConnection(settings.url(), props);
            try {
                ReadOnlySession.open(opened, transactional);
            } catch (SQLException | RuntimeException e) {
                closeQuietly(opened);
                throw e;
            }
            connection = opened;
        }
        return connection;
    }

    /**
     * Prepares a contract query; on PostgreSQL, one that pgjdbc would split into several statements is refused
     * first ({@link ReadOnlySession#requireOneStatement}).
     */
    private PreparedStatement prepareChecked(String sql) throws SQLException {
        executing = sql;
        if (transactional) {
            ReadOnlySession.requireOneStatement(sql);
        }
        return connection().prepareStatement(sql);
    }

    private interface SqlCall<T> {
        T call() throws SQLException;
    }

    /**
     * The timeout of the next query: {@value #MAX_QUERY_TIMEOUT_SECONDS} s, or the whole seconds left to the deadline
     * if fewer (at least 1 s, JDBC's smallest timeout; 0 would mean none).
     */
    private int queryTimeoutSeconds() {
        return timeLeft == null ? MAX_QUERY_TIMEOUT_SECONDS : queryTimeoutSeconds(timeLeft.get());
    }

    static int queryTimeoutSeconds(Duration left) {
        return (int) Math.max(1, Math.min(MAX_QUERY_TIMEOUT_SECONDS, left.toSeconds()));
    }

    /** The milliseconds left to the deadline; {@link Long#MAX_VALUE} without one. */
    private long millisLeft() {
        return timeLeft == null ? Long.MAX_VALUE : timeLeft.get().toMillis();
    }

    /**
     * What to fix for a non-transient error: the connection settings when the server refused the login, the database
     * name or a privilege (PostgreSQL classes 28 and 3D and 42501; MySQL/MariaDB errors 1044, 1045, 1049, 1142),
     * otherwise the query or its mapping.
     */
    static String fixFor(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        int code = e.getErrorCode();
        if (state.startsWith("28") || state.startsWith("3D") || state.equals("42501")
                || code == 1044 || code == 1045 || code == 1049 || code == 1142) {
            return "check source.url (host, database name) and source.auth (user, password, grants)";
        }
        if (state.equals("25006") || code == 1792 || code == 1290 || code == 1836
                || SqlErrors.refusedWrite(e)) {
            return "a contract query only reads, and cachecheck runs it in a read-only session: make it a plain SELECT"
                    + " (no data-modifying WITH, no function that writes)";
        }
        if (state.startsWith("22") || state.startsWith("23") || state.startsWith("P0") || state.startsWith("45")
                || state.startsWith("38") || state.startsWith("39") || state.startsWith("2F")) {
            return "the error is about a value: check the query's casts and the functions it calls against the rows it"
                    + " reads";
        }
        return "fix the query or the mapping";
    }

    private <T> T withRetry(String what, SqlCall<T> call, String where) {
        SQLException last = null;
        for (int attempt = 0; attempt <= maxRetries; attempt++) {
            if (millisLeft() <= 0) {
                throw deadlineReached(what, attempt, last);
            }
            direct = last instanceof software.amazon.jdbc.plugin.failover.FailoverSuccessSQLException
                    || last instanceof software.amazon.jdbc.plugin.failover.TransactionStateUnknownSQLException;
            try {
                T result = call.call();
                if (transactional) {
                    connection.commit(); // ends the query's READ ONLY transaction (ReadOnlySession)
                }
                return result;
            } catch (SQLException e) {
                // RetryUnnamed carries the data exception's SQLState (class 22), but it asks for the same batch again
                if (!(e instanceof RetryUnnamed) && !isConnectionProblem(e)) {
                    endTransactionQuietly();
                    throw new ContractException(where + " failed: " + SqlErrors.describe(e, executing) + "; " + fixFor(e),
                            SqlErrors.sanitized(e, executing));
                }
                last = e;
                closeQuietly();
                if (e instanceof RetryUnnamed) {
                    attempt--; // not a failure of the source: the same batch again, now unnamed
                    continue;
                }
                if (millisLeft() <= 0) {
                    throw deadlineReached(what, attempt + 1, e);
                }
                if (attempt < maxRetries) {
                    try {
                        Thread.sleep(Math.min(backoffMillis << attempt, millisLeft()));
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            } catch (RuntimeException e) {
                // a refused key value (RejectedValue) is retried in halves on this connection; a mapping error ends
                // the run: either way the failed query's transaction ends here
                endTransactionQuietly();
                throw e;
            } finally {
                direct = false;
            }
        }
        throw new SourceUnavailableException(what + " failed after " + (maxRetries + 1) + " attempts (SQLState "
                + (last == null ? "none" : last.getSQLState()) + "); check that the database in source.url is reachable",
                SqlErrors.sanitized(last, executing));
    }

    /**
     * No query or retry starts after the deadline: in Lambda it is set so that the shard result can still be written,
     * and a query running past it risks losing the whole result to the invocation timeout.
     */
    private static SourceDeadlineException deadlineReached(String what, int attempts, SQLException last) {
        return new SourceDeadlineException(what + " reached the deadline after " + attempts
                + (attempts == 1 ? " attempt" : " attempts")
                + (last == null ? "" : ", SQLState " + last.getSQLState()), SqlErrors.sanitized(last, null));
    }

    /**
     * SQLState classes of errors in the statement itself, never of its connection: data exception, integrity
     * constraint, read-only transaction, function errors, syntax and access, a SIGNAL's user-defined 45000.
     */
    private static final java.util.Set<String> STATEMENT_ERROR_CLASSES =
            java.util.Set.of("21", "22", "23", "25", "2F", "38", "39", "42", "44", "45", "P0");

    /** A named server-side statement the server no longer has (a transaction-mode pooler): retried on a new connection. */
    private static final class PreparedStatementLost extends SQLRecoverableException {
        PreparedStatementLost(String message, String state, Throwable cause) {
            super(message, state, cause);
        }
    }

    /** Connection-class failures are retried on a new connection; anything else is a query problem. */
    static boolean isConnectionProblem(SQLException e) {
        String state = e.getSQLState();
        if (e instanceof PreparedStatementLost) {
            return true;
        }
        if (state != null && STATEMENT_ERROR_CLASSES.contains(state.substring(0, Math.min(2, state.length())))) {
            // MariaDB Connector/J throws SQLTransientConnectionException for any SQLState class it does not know,
            // such as 45000 from a SIGNAL in a function the query calls: that is the query's error, and retrying it
            // on a new connection would only repeat it
            return false;
        }
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
            return true;
        }
        if (state == null) {
            return true; // drivers report socket failures without a state
        }
        // 08: connection exception; 57P01-57P03: terminated backend; 57014: statement timeout; 70100: MySQL query interrupted
        return state.startsWith("08") || state.startsWith("57P") || state.equals("57014") || state.equals("70100") || state.equals("HY000")
                && String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("connection");
    }

    private void closeQuietly() {
        statements.clear();
        named.clear();
        guards.clear();
        columns.clear();
        texts.clear();
        if (connection != null) {
            closeQuietly(connection);
            connection = null;
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // the connection is already broken; nothing to release
        }
    }

    /**
     * Ends the READ ONLY transaction of a query that failed, so that the next query (a retry of half a batch after a
     * refused key value, for example) does not find it aborted; a connection that cannot roll back is closed.
     */
    private void endTransactionQuietly() {
        if (transactional && connection != null) {
            try {
                connection.rollback();
            } catch (SQLException e) {
                closeQuietly();
            }
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
