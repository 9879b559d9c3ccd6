package io.cachecheck.source;

import io.cachecheck.error.ContractException;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A source session that cannot write: set up when a connection is opened, and checked, before any contract query runs
 * on it. Used by {@link JdbcSource} for every connection it opens.
 */
final class ReadOnlySession {
    private ReadOnlySession() {
    }

    /**
     * Makes a new session read-only at the database, and reads back that it is, before any contract query runs on it:
     * a contract is configuration that people copy and edit, and a validator must not be able to write through it.
     * Every connection goes through here, the first one and each one opened after a connection error, a failover or a
     * SnapStart restore, so a new session is never used before it is read-only.
     *
     * <ul>
     *   <li>PostgreSQL: auto-commit off, so that pgjdbc opens every transaction with {@code BEGIN READ ONLY}, and each
     *       query is committed right after it (by {@link JdbcSource}). A session default
     *       ({@code SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY}) is not used: behind PgBouncer in
     *       transaction mode it would reach one server connection at random and stay there for the pool's other
     *       clients, while a transaction is exactly what such a pooler keeps on one server connection.</li>
     *   <li>MySQL and MariaDB: {@code SET SESSION TRANSACTION READ ONLY}, which holds for every auto-commit statement
     *       of the session.</li>
     * </ul>
     */
    static void open(Connection c, boolean postgres) throws SQLException {
        String readOnly;
        if (postgres) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT current_setting('transaction_read_only')")) {
                readOnly = rs.next() ? rs.getString(1) : null;
            }
            c.commit();
        } else {
            c.setAutoCommit(true);
            c.setReadOnly(true);
            try (Statement st = c.createStatement()) {
                st.execute("SET SESSION TRANSACTION READ ONLY");
            }
            readOnly = sessionVariable(c, "transaction_read_only");
            if (readOnly == null) {
                readOnly = sessionVariable(c, "tx_read_only"); // MariaDB before 11.1, MySQL 5.7
            }
        }
        if (!"on".equalsIgnoreCase(readOnly) && !"1".equals(readOnly)) {
            throw new ContractException("source.url: the database session did not become read-only (transaction_read_only"
                    + " is " + readOnly + " after cachecheck asked for it), so no contract query is run on it; check the"
                    + " driver options in source.url and any proxy between cachecheck and the database");
        }
    }

    /** A MySQL/MariaDB session variable, or null when the server does not know it (error 1193). */
    private static String sessionVariable(Connection c, String name) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@session." + name)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            if (e.getErrorCode() == 1193) {
                return null;
            }
            throw e;
        }
    }

    /**
     * Refuses a query text that pgjdbc would split into several statements: on PostgreSQL a stacked
     * {@code ; COMMIT; ...} would end the READ ONLY transaction. The loader refuses such texts already
     * (ReadOnlySql); this is the driver's own reading, under both settings of standard_conforming_strings.
     */
    static void requireOneStatement(String sql) throws SQLException {
        for (boolean standardConformingStrings : new boolean[]{true, false}) {
            long statements = org.postgresql.core.Parser.parseJdbcSql(sql, standardConformingStrings, true, true, false, false)
                    .stream().filter(q -> !q.nativeSql.isBlank()).count();
            if (statements > 1) {
                throw new SQLException("the query text holds " + statements + " statements as the driver splits it;"
                        + " a contract query is a single SELECT: remove the ';' and what follows it", "42601");
            }
        }
    }
}
