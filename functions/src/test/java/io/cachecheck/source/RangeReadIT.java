package io.cachecheck.source;

import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.contract.Namespace;
import io.cachecheck.contract.SecretResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Range reads give exactly what key lists give (real PostgreSQL and MariaDB): the rows of the batch's keys and no
 * other, a key with no row has none, and keys a range cannot cover (not canonical integers, outside the column type,
 * refused by the column) are still looked up by list, so a refused key is still reported as refused.
 */
class RangeReadIT {
    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String MARIADB = "jdbc:mariadb://127.0.0.1:3306/";
    private static final String SCHEMA = "cc_it_range";

    private String url;

    /** The seeding connection's URL for a driver name. */
    private static String seedUrl(String driver) {
        return driver.equals("postgresql") ? PG : MARIADB;
    }

    @AfterEach
    void drop() throws Exception {
        if (url != null) {
            try (Connection db = connect(url); Statement st = db.createStatement()) {
                st.execute(url.startsWith(PG) ? "DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE" : "DROP DATABASE IF EXISTS " + SCHEMA);
            }
        }
    }

    private static Connection connect(String url) throws Exception {
        return url.startsWith(PG) ? DriverManager.getConnection(url, "postgres", "") : DriverManager.getConnection(url, "root", "");
    }

    /** Rows 1..600 of tenant acme except every 7th, rows of tenant other with the same ids, and an int column key. */
    private void seed(String url) throws Exception {
        this.url = url;
        boolean pg = url.startsWith(PG);
        try (Connection db = connect(url); Statement st = db.createStatement()) {
            st.execute(pg ? "DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE" : "DROP DATABASE IF EXISTS " + SCHEMA);
            st.execute(pg ? "CREATE SCHEMA " + SCHEMA : "CREATE DATABASE " + SCHEMA);
            st.execute("CREATE TABLE " + SCHEMA + ".item (tenant_id VARCHAR(16), id INTEGER, name VARCHAR(32), PRIMARY KEY (tenant_id, id))");
            StringBuilder insert = new StringBuilder("INSERT INTO " + SCHEMA + ".item VALUES ");
            for (int i = 1; i <= 600; i++) {
                if (i % 7 != 0) {
                    insert.append("('acme', ").append(i).append(", 'acme-").append(i).append("'),");
                }
                insert.append("('other', ").append(i).append(", 'other-").append(i).append("'),");
            }
            st.execute(insert.substring(0, insert.length() - 1));
        }
    }

    private static Namespace namespace(Contract contract) {
        return contract.namespaces().get(0);
    }

    private static Contract contract(String driver, String sql) {
        String source = driver.equals("postgresql") ? "jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test"
                : "jdbc:aws-wrapper:" + driver + "://127.0.0.1:3306/";
        String user = driver.equals("postgresql") ? "postgres" : "root";
        return ContractLoader.withEnvironment(k -> null).parse("""
                version: 1
                cache: {url: "redis://127.0.0.1:6379/13"}
                source: {url: "%s", auth: {username: %s}}
                tenants: {sql: SELECT 'acme' AS tenant_id}
                namespaces:
                  - name: item
                    keyPattern: "ri:{tenant_id}:item:{id}"
                    valueType: string
                    sql: %s
                    column: name
                """.formatted(source, user, sql));
    }

    private static List<String[]> keys(String... values) {
        List<String[]> out = new ArrayList<>();
        for (String v : values) {
            out.add(new String[]{v});
        }
        return out;
    }

    private static Map<String, Object> names(JdbcSource.Fetched f) {
        Map<String, Object> out = new TreeMap<>();
        f.rows().forEach((k, row) -> out.put(k, row.get("name")));
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"postgresql", "mariadb", "mysql"})
    void denseBatch_readAsARange_givesExactlyTheListsRows(String driver) throws Exception {
        seed(seedUrl(driver));
        Contract contract = contract(driver, "SELECT id, name FROM " + SCHEMA + ".item WHERE tenant_id = :tenant_id AND id IN (:id)");
        Namespace ns = namespace(contract);
        List<String> dense = new ArrayList<>();
        for (int i = 100; i < 300; i += 2) {
            dense.add(Integer.toString(i));
        }
        // 7, 14, ... have no acme row; 650 is past the table; "044" is not canonical; 99999999999 is beyond INTEGER
        // (PostgreSQL refuses it for the column: reported as refused either way)
        dense.addAll(List.of("650", "044", "99999999999"));
        List<String[]> batch = keys(dense.toArray(String[]::new));
        try (JdbcSource source = new JdbcSource(contract.source(), SecretResolver.withEnvironment(k -> null), 0, 10)) {
            JdbcSource.Fetched byList = source.fetch(ns, "tenant_id", "acme", batch); // learns the key column
            assertThat(source.rangeReads()).isZero();
            JdbcSource.Fetched byRange = source.fetch(ns, "tenant_id", "acme", batch);
            assertThat(source.rangeReads()).isEqualTo(1);

            assertThat(names(byRange)).isEqualTo(names(byList));
            assertThat(byRange.rejected()).isEqualTo(byList.rejected());
            // the rows of the batch's keys only: 100, 102 .. 298 without the multiples of 7 (and 44, which the list
            // finds for "044": the row's key reads "44")
            List<String> expected = new ArrayList<>();
            for (int i = 100; i < 300; i += 2) {
                if (i % 7 != 0) {
                    expected.add(Integer.toString(i));
                }
            }
            expected.add("44");
            assertThat(byRange.rows().keySet()).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(byRange.rejected().keySet()).isEqualTo(driver.equals("postgresql") ? java.util.Set.of("99999999999") : java.util.Set.of());
            assertThat(byRange.rows().get("100").get("name")).isEqualTo("acme-100");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"postgresql", "mariadb", "mysql"})
    void sparseBatch_staysOnTheKeyList(String driver) throws Exception {
        seed(seedUrl(driver));
        Contract contract = contract(driver, "SELECT id, name FROM " + SCHEMA + ".item WHERE tenant_id = :tenant_id AND id IN (:id)");
        Namespace ns = namespace(contract);
        List<String[]> sparse = keys("1", "300", "600");
        try (JdbcSource source = new JdbcSource(contract.source(), SecretResolver.withEnvironment(k -> null), 0, 10)) {
            source.fetch(ns, "tenant_id", "acme", sparse);
            JdbcSource.Fetched again = source.fetch(ns, "tenant_id", "acme", sparse);
            assertThat(source.rangeReads()).isZero();
            assertThat(names(again)).containsOnlyKeys("1", "300", "600");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"postgresql", "mariadb", "mysql"})
    void textKeysAndKeyListsOnAnotherColumn_neverReadRanges(String driver) throws Exception {
        seed(seedUrl(driver));
        try (Connection db = connect(seedUrl(driver)); Statement st = db.createStatement()) {
            st.execute("CREATE TABLE " + SCHEMA + ".tag (tenant_id VARCHAR(16), code VARCHAR(16), name VARCHAR(32), PRIMARY KEY (tenant_id, code))");
            st.execute("INSERT INTO " + SCHEMA + ".tag VALUES ('acme', '10', 'ten'), ('acme', '11', 'eleven'), ('acme', '12', 'twelve')");
        }
        Contract text = contract(driver, "SELECT code AS id, name FROM " + SCHEMA + ".tag WHERE tenant_id = :tenant_id AND code IN (:id)");
        Contract aliased = contract(driver, "SELECT id + 0 AS id, name FROM " + SCHEMA + ".item WHERE tenant_id = :tenant_id AND name IN (:id)");
        assertThat(JdbcSource.rangeReadable(namespace(aliased), "tenant_id")).isFalse();
        try (JdbcSource source = new JdbcSource(text.source(), SecretResolver.withEnvironment(k -> null), 0, 10)) {
            List<String[]> batch = keys("10", "11", "12");
            source.fetch(namespace(text), "tenant_id", "acme", batch);
            JdbcSource.Fetched again = source.fetch(namespace(text), "tenant_id", "acme", batch);
            assertThat(source.rangeReads()).as("a text column orders by its collation: no range").isZero();
            assertThat(names(again)).containsOnlyKeys("10", "11", "12");
        }
    }
}
