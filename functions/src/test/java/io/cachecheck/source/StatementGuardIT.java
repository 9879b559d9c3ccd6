package io.cachecheck.source;

import io.cachecheck.testing.PgBouncerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.PGStatement;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A named lookup run in place of another namespace's (as behind a transaction-mode pooler that does not track
 * prepared statements) fails instead of answering with the other table's rows, or with none (real PostgreSQL, and a
 * real PgBouncer in transaction mode when installed).
 */
class StatementGuardIT {
    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String SCHEMA = "cc_main_guard";
    /** Two namespaces' lookups of the same signature over tables with the same column types. */
    private static final String ORDERS = "SELECT tenant_id, id, label FROM " + SCHEMA + ".orders WHERE tenant_id = ? AND id = ANY(CAST(? AS bigint[])) ORDER BY id DESC";
    private static final String INVOICES = "SELECT tenant_id, id, label FROM " + SCHEMA + ".invoices WHERE tenant_id = ? AND id = ANY(CAST(? AS bigint[]))";

    @BeforeAll
    static void seed() throws SQLException {
        try (Connection db = DriverManager.getConnection(PG, "postgres", ""); Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            st.execute("CREATE SCHEMA " + SCHEMA);
            for (String table : List.of("orders", "invoices")) {
                st.execute("CREATE TABLE " + SCHEMA + "." + table + " (tenant_id text, id bigint, label text, PRIMARY KEY (tenant_id, id))");
            }
            st.execute("INSERT INTO " + SCHEMA + ".orders SELECT 'acme', g, 'order-' || g FROM generate_series(1, 20) g");
            st.execute("INSERT INTO " + SCHEMA + ".invoices SELECT 'acme', g, 'invoice-' || g FROM generate_series(1, 20) g");
        }
    }

    @AfterAll
    static void drop() throws SQLException {
        try (Connection db = DriverManager.getConnection(PG, "postgres", ""); Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    /** Executes a guarded statement with {@code tag} bound; the labels it returns, in order. */
    private static List<String> run(PreparedStatement ps, String ids, String tag) throws SQLException {
        ps.setString(1, "acme");
        ps.setString(2, ids);
        ps.setString(3, tag);
        ps.setString(4, tag);
        List<String> labels = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                labels.add(rs.getString("label"));
            }
        }
        return labels;
    }

    @ParameterizedTest(name = "plan_cache_mode {0}")
    @ValueSource(strings = {"force_custom_plan", "force_generic_plan", "auto"})
    void aStatementRunWithAnotherStatementsTagFailsEvenWhenNoRowMatches(String planMode) throws SQLException {
        try (Connection db = DriverManager.getConnection(PG + "?prepareThreshold=1", "postgres", "");
             Statement st = db.createStatement()) {
            st.execute("SET plan_cache_mode = " + planMode);
            String ordersTag = StatementGuard.tag(ORDERS);
            try (PreparedStatement invoices = db.prepareStatement(StatementGuard.wrap(INVOICES, StatementGuard.tag(INVOICES)))) {
                assertThat(invoices.unwrap(PGStatement.class).isUseServerPrepare()).isTrue();
                // its own tag, several times (past PostgreSQL's five custom plans): its rows
                for (int i = 0; i < 7; i++) {
                    assertThat(run(invoices, "{1,2,99}", StatementGuard.tag(INVOICES))).containsExactlyInAnyOrder("invoice-1", "invoice-2");
                }
                // the orders lookup's tag, with keys that match rows, and with keys that match none
                for (String ids : List.of("{1,2}", "{98,99}", "{}")) {
                    assertThatThrownBy(() -> run(invoices, ids, ordersTag))
                            .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22P02"));
                }
            }
        }
    }

    @Test
    void theWrappedQueryKeepsItsColumnsAndItsOrder() throws SQLException {
        try (Connection db = DriverManager.getConnection(PG + "?prepareThreshold=1", "postgres", "");
             PreparedStatement orders = db.prepareStatement(StatementGuard.wrap(ORDERS, StatementGuard.tag(ORDERS)))) {
            for (int i = 0; i < 7; i++) {
                assertThat(run(orders, "{3,1,2,17}", StatementGuard.tag(ORDERS))).containsExactly("order-17", "order-3", "order-2", "order-1");
            }
            assertThat(orders.getMetaData().getColumnLabel(1)).isEqualTo("tenant_id");
        }
    }

    @Test
    void behindPgBouncerInTransactionModeAMixUpIsCaughtNeverAnswered() throws Exception {
        assumeThat(PgBouncerProcess.binary()).as("pgbouncer is not installed").isPresent();
        // A fresh PgBouncer for each, as its server connections keep the statements of earlier clients.
        try (PgBouncerProcess bouncer = PgBouncerProcess.start(PgBouncerProcess.binary().get(), 2)) {
            // Unguarded first: shows the test sees a real mix-up (the orders client gets invoice rows).
            assertThat(mixUps(bouncer, false)).as("unguarded statements answered for another statement").isPositive();
        }
        try (PgBouncerProcess bouncer = PgBouncerProcess.start(PgBouncerProcess.binary().get(), 2)) {
            // Guarded: every execution gives the orders client its own rows, or fails with 22P02 (then cachecheck
            // retries with unnamed statements); never another table's rows.
            assertThat(mixUps(bouncer, true)).as("guarded statements answered for another statement").isZero();
        }
    }

    /**
     * Two clients each name their lookup {@code S_1} on a different server connection (each holds a transaction while
     * the other prepares), then alternate: each execution may land on the other's server connection.
     *
     * @return how many executions returned other rows than the client's own (the mix-ups that were answered)
     */
    private static int mixUps(PgBouncerProcess bouncer, boolean guarded) throws SQLException {
        String url = "jdbc:postgresql://127.0.0.1:" + bouncer.port() + "/test?prepareThreshold=1";
        String ordersSql = guarded ? StatementGuard.wrap(ORDERS, StatementGuard.tag(ORDERS)) : ORDERS;
        String invoicesSql = guarded ? StatementGuard.wrap(INVOICES, StatementGuard.tag(INVOICES)) : INVOICES;
        int answered = 0;
        try (Connection a = DriverManager.getConnection(url, "postgres", "");
             Connection b = DriverManager.getConnection(url, "postgres", "")) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            PreparedStatement orders = a.prepareStatement(ordersSql);
            PreparedStatement invoices = b.prepareStatement(invoicesSql);
            // a holds server connection X while b prepares on Y
            execute(orders, guarded, ORDERS);
            execute(invoices, guarded, INVOICES);
            a.commit();
            b.commit();
            for (int round = 0; round < 40; round++) {
                try {
                    List<String> labels = execute(orders, guarded, ORDERS);
                    if (!labels.equals(List.of("order-2", "order-1"))) {
                        answered++;
                    }
                    a.commit();
                } catch (SQLException e) {
                    assertThat(guarded).as("an unguarded mix-up raised %s", e.getSQLState()).isTrue();
                    // 22P02: the guard; 26000: S_1 not prepared on this server connection
                    assertThat(e.getSQLState()).isIn("22P02", "26000");
                    a.rollback();
                }
                // b takes a server connection in between, so a's next one may be the other
                try {
                    execute(invoices, guarded, INVOICES);
                    b.commit();
                } catch (SQLException e) {
                    b.rollback();
                }
            }
        }
        return answered;
    }

    private static List<String> execute(PreparedStatement ps, boolean guarded, String sql) throws SQLException {
        ps.setString(1, "acme");
        ps.setString(2, "{1,2}");
        if (guarded) {
            ps.setString(3, StatementGuard.tag(sql));
            ps.setString(4, StatementGuard.tag(sql));
        }
        List<String> labels = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                labels.add(rs.getString("label"));
            }
        }
        return labels;
    }
}
