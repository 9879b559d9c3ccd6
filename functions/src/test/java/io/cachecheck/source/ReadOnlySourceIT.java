package io.cachecheck.source;

import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.contract.Credentials;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.contract.SourceSettings;
import io.cachecheck.error.ContractException;
import io.cachecheck.shard.ShardPlanner;
import io.cachecheck.testing.PgBouncerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Every source session is read-only at the database, on the three drivers cachecheck ships (pgjdbc, MariaDB
 * Connector/J, and MySQL Connector/J against the local MariaDB), through the AWS Advanced JDBC Wrapper, after a
 * reconnection, and behind PgBouncer in transaction mode: a query that writes is refused by the database, with an error
 * naming the contract field, and the tables are unchanged afterwards. The loader refuses most such queries already
 * (ReadOnlySqlTest); these tests send what the loader would refuse straight to {@link JdbcSource}, and what it cannot
 * see (a function that writes) through the loader.
 */
class ReadOnlySourceIT {
    static final String SCHEMA = "cc_it_readonly";
    static final List<String> TENANTS = List.of("acme", "globex", "initech");

    enum Driver {
        POSTGRESQL("jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test", "postgres", "SELECT pg_backend_pid()"),
        MARIADB("jdbc:aws-wrapper:mariadb://127.0.0.1:3306/" + SCHEMA, "root", "SELECT CONNECTION_ID()"),
        MYSQL("jdbc:aws-wrapper:mysql://127.0.0.1:3306/" + SCHEMA, "root", "SELECT CONNECTION_ID()");

        final String url;
        final String user;
        final String sessionId;

        Driver(String url, String user, String sessionId) {
            this.url = url;
            this.user = user;
            this.sessionId = sessionId;
        }

        boolean postgres() {
            return this == POSTGRESQL;
        }

        /** A direct (unwrapped, writable) connection for seeding and checking. */
        Connection admin() throws Exception {
            return postgres() ? DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "")
                    : DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/", "root", "");
        }
    }

    @BeforeEach
    void seed() throws Exception {
        try (Connection db = Driver.POSTGRESQL.admin(); Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            st.execute("CREATE SCHEMA " + SCHEMA);
            createTables(st);
            st.execute("CREATE FUNCTION " + SCHEMA + ".purge() RETURNS int LANGUAGE plpgsql AS $$ BEGIN DELETE FROM "
                    + SCHEMA + ".tenants; RETURN 0; END $$");
        }
        try (Connection db = Driver.MARIADB.admin(); Statement st = db.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + SCHEMA);
            st.execute("CREATE DATABASE " + SCHEMA);
            createTables(st);
            st.execute("CREATE FUNCTION " + SCHEMA + ".purge() RETURNS INT MODIFIES SQL DATA BEGIN DELETE FROM "
                    + SCHEMA + ".tenants; RETURN 0; END");
        }
    }

    private static void createTables(Statement st) throws Exception {
        st.execute("CREATE TABLE " + SCHEMA + ".tenants (tenant_id VARCHAR(32) PRIMARY KEY, shard VARCHAR(32))");
        st.execute("CREATE TABLE " + SCHEMA + ".flags (tenant_id VARCHAR(32), flag VARCHAR(32), value VARCHAR(32),"
                + " PRIMARY KEY (tenant_id, flag))");
        for (String tenant : TENANTS) {
            st.execute("INSERT INTO " + SCHEMA + ".tenants VALUES ('" + tenant + "', 's1')");
            st.execute("INSERT INTO " + SCHEMA + ".flags VALUES ('" + tenant + "', 'beta', 'on')");
        }
    }

    @AfterEach
    void drop() throws Exception {
        try (Connection db = Driver.POSTGRESQL.admin(); Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
        try (Connection db = Driver.MARIADB.admin(); Statement st = db.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + SCHEMA);
        }
    }

    /** Every row of both tables, as text: what a write would change. */
    private static List<String> tables(Driver driver) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection db = driver.admin(); Statement st = db.createStatement()) {
            for (String sql : List.of("SELECT tenant_id, shard FROM " + SCHEMA + ".tenants ORDER BY tenant_id",
                    "SELECT tenant_id, flag, value FROM " + SCHEMA + ".flags ORDER BY tenant_id, flag")) {
                try (ResultSet rs = st.executeQuery(sql)) {
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int c = 1; c <= rs.getMetaData().getColumnCount(); c++) {
                            row.append(rs.getString(c)).append('|');
                        }
                        rows.add(row.toString());
                    }
                }
            }
        }
        return rows;
    }

    private static final List<String> SEEDED = List.of("acme|s1|", "globex|s1|", "initech|s1|",
            "acme|beta|on|", "globex|beta|on|", "initech|beta|on|");

    private static Contract contract(Driver driver, String tenantsSql, String flagSql) {
        return ContractLoader.withEnvironment(k -> null).parse("""
                version: 1
                cache: {url: "redis://127.0.0.1:6379/14"}
                source: {url: "%s", auth: {username: %s}}
                tenants: {sql: "%s"}
                check: {maxRetries: 1, retryBackoffMillis: 10}
                namespaces:
                  - name: flag
                    keyPattern: "ro:{tenant_id}:flag:{flag}"
                    valueType: string
                    sql: "%s"
                    column: value
                """.formatted(driver.url, driver.user, tenantsSql, flagSql));
    }

    private static JdbcSource source(Driver driver) {
        return source(new SourceSettings(driver.url, new Credentials(driver.user, null, null)));
    }

    private static JdbcSource source(SourceSettings settings) {
        return new JdbcSource(settings, SecretResolver.withEnvironment(k -> null), 1, 10);
    }

    private static final String PURGE = SCHEMA + ".purge() = 0";
    private static final String READ_ONLY_FIX = "a contract query only reads, and cachecheck runs it in a read-only"
            + " session: make it a plain SELECT (no data-modifying WITH, no function that writes)";

    @ParameterizedTest(name = "{0}")
    @EnumSource(Driver.class)
    void tenantsSql_callingAFunctionThatWrites_isRefusedByTheDatabase_andNothingChanges(Driver driver) throws Exception {
        Contract contract = contract(driver, "SELECT tenant_id FROM " + SCHEMA + ".tenants WHERE " + PURGE,
                "SELECT flag, value FROM " + SCHEMA + ".flags WHERE tenant_id = :tenant_id AND flag IN (:flag)");

        try (JdbcSource source = source(driver)) {
            assertThatThrownBy(() -> ShardPlanner.discover(contract, source))
                    .isInstanceOf(ContractException.class)
                    .hasMessageStartingWith("tenants.sql failed: ")
                    .hasMessageContaining("(SQLState 25006")
                    .hasMessageEndingWith("; " + READ_ONLY_FIX);
        }

        assertThat(tables(driver)).containsExactlyElementsOf(SEEDED);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Driver.class)
    void namespaceSql_callingAFunctionThatWrites_isRefusedByTheDatabase_andNothingChanges(Driver driver) throws Exception {
        Contract contract = contract(driver, "SELECT tenant_id FROM " + SCHEMA + ".tenants",
                "SELECT flag, value FROM " + SCHEMA + ".flags WHERE tenant_id = :tenant_id AND flag IN (:flag) AND " + PURGE);

        try (JdbcSource source = source(driver)) {
            assertThat(ShardPlanner.discover(contract, source).ids()).containsExactlyElementsOf(TENANTS);
            assertThatThrownBy(() -> source.fetch(contract.namespaces().get(0), "tenant_id", "acme",
                    List.<String[]>of(new String[]{"beta"})))
                    .isInstanceOf(ContractException.class)
                    .hasMessageStartingWith("namespaces[flag].sql failed: ")
                    .hasMessageContaining("(SQLState 25006")
                    .hasMessageEndingWith("; " + READ_ONLY_FIX);
        }

        assertThat(tables(driver)).containsExactlyElementsOf(SEEDED);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Driver.class)
    void statementsTheLoaderRefuses_areRefusedByTheSessionToo_andNothingChanges(Driver driver) throws Exception {
        List<String> writes = new ArrayList<>(List.of(
                "DELETE FROM " + SCHEMA + ".tenants WHERE tenant_id = 'acme' RETURNING tenant_id",
                "UPDATE " + SCHEMA + ".tenants SET shard = 'x'",
                "SELECT tenant_id FROM " + SCHEMA + ".tenants; DELETE FROM " + SCHEMA + ".flags",
                "SELECT tenant_id FROM " + SCHEMA + ".tenants; DROP TABLE " + SCHEMA + ".flags; --"));
        if (driver.postgres()) {
            writes.add("WITH d AS (DELETE FROM " + SCHEMA + ".tenants RETURNING tenant_id) SELECT tenant_id FROM d");
            // a stacked COMMIT would end the READ ONLY transaction: pgjdbc's split is refused before anything is sent
            writes.add("SELECT 1; COMMIT; DELETE FROM " + SCHEMA + ".tenants");
            writes.add("SELECT set_config('transaction_read_only', 'off', false)");
        }

        try (JdbcSource source = source(driver)) {
            for (String sql : writes) {
                assertThatThrownBy(() -> source.query(sql)).as(sql)
                        .isInstanceOf(ContractException.class).hasMessageStartingWith("tenants.sql failed: ");
            }
            // the session is still usable, and still read-only
            assertThat(source.query("SELECT tenant_id FROM " + SCHEMA + ".tenants ORDER BY tenant_id"))
                    .extracting(r -> r.get("tenant_id")).containsExactlyElementsOf(TENANTS);
        }

        assertThat(tables(driver)).containsExactlyElementsOf(SEEDED);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Driver.class)
    void theSessionOpenedAfterTheFirstWasKilled_isReadOnlyToo(Driver driver) throws Exception {
        try (JdbcSource source = source(driver)) {
            String first = sessionId(source, driver);
            try (Connection admin = driver.admin(); Statement st = admin.createStatement()) {
                st.execute(driver.postgres() ? "SELECT pg_terminate_backend(" + first + ")" : "KILL " + first);
            }

            // the killed session fails the query, which is retried on a new session: read-only as well
            assertThatThrownBy(() -> source.query("SELECT tenant_id FROM " + SCHEMA + ".tenants WHERE " + PURGE))
                    .isInstanceOf(ContractException.class).hasMessageContaining("(SQLState 25006");
            assertThat(sessionId(source, driver)).isNotEqualTo(first);
        }

        assertThat(tables(driver)).containsExactlyElementsOf(SEEDED);
    }

    private static String sessionId(JdbcSource source, Driver driver) {
        List<Map<String, Object>> rows = source.query(driver.sessionId);
        return String.valueOf(rows.get(0).values().iterator().next());
    }

    @Test
    void behindPgBouncerInTransactionMode_everyQueryIsReadOnly_andNoPooledSessionIsLeftReadOnly() throws Exception {
        assumeThat(PgBouncerProcess.binary()).as("pgbouncer is not installed").isPresent();
        try (PgBouncerProcess bouncer = PgBouncerProcess.start(PgBouncerProcess.binary().get(), 2)) {
            String url = "jdbc:aws-wrapper:postgresql://127.0.0.1:" + bouncer.port() + "/test?prepareThreshold=0";
            Contract contract = contract(Driver.POSTGRESQL, "SELECT tenant_id FROM " + SCHEMA + ".tenants",
                    "SELECT flag, value FROM " + SCHEMA + ".flags WHERE tenant_id = :tenant_id AND flag IN (:flag) AND " + PURGE);
            // two sources share the pool's two server connections, so their transactions land on either of them
            try (JdbcSource a = source(new SourceSettings(url, new Credentials("postgres", null, null)));
                 JdbcSource b = source(new SourceSettings(url, new Credentials("postgres", null, null)))) {
                for (int i = 0; i < 10; i++) {
                    for (JdbcSource source : List.of(a, b)) {
                        assertThat(source.query("SELECT current_setting('transaction_read_only') AS ro"))
                                .containsExactly(Map.of("ro", "on"));
                        assertThatThrownBy(() -> source.fetch(contract.namespaces().get(0), "tenant_id", "acme",
                                List.<String[]>of(new String[]{"beta"})))
                                .hasMessageContaining("(SQLState 25006");
                    }
                }
            }
            // an ordinary client of the same pool finds its sessions as they were: writable
            for (int i = 0; i < 4; i++) {
                try (Connection plain = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + bouncer.port()
                        + "/test?prepareThreshold=0", "postgres", ""); Statement st = plain.createStatement();
                     ResultSet rs = st.executeQuery("SHOW transaction_read_only")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("off");
                }
            }
        }

        assertThat(tables(Driver.POSTGRESQL)).containsExactlyElementsOf(SEEDED);
    }
}
