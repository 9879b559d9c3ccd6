package io.cachecheck.local;

import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.shard.ShardPlanner;
import io.cachecheck.source.JdbcSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Row values never leave the process through a database error. Rows carry a unique secret; tenants.sql and a
 * namespace query fail on them (a cast, a JSON parse whose detail quotes the value, a constraint violation and a
 * function's error that quote it), on PostgreSQL and MariaDB, run as a user runs it: the packaged CLI
 * ({@code target/cachecheck.jar validate}) in its own JVM. The secret is in none of its stdout, its stderr (logs
 * included), or any file it wrote under {@code --out} (audit log, shard results, baseline); nor in the message or the
 * stack trace, causes included, of the exception the source throws (which a Lambda error report and its log print).
 */
class SourceErrorLeakIT {
    static final String MARKER = "LEAK-5e1c0d";
    static final String SECRET = MARKER + " Überweisung erhalten";
    static final String SCHEMA = "cc_it_leak";
    static final int REDIS_DB = 14;
    static final String PG = "jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test";
    static final String MARIADB = "jdbc:aws-wrapper:mariadb://127.0.0.1:3306/" + SCHEMA;

    @TempDir
    static Path dir;

    @BeforeAll
    static void seed() throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
             Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            st.execute("CREATE SCHEMA " + SCHEMA);
            tables(st);
            st.execute("CREATE FUNCTION " + SCHEMA + ".check_note(v text) RETURNS boolean LANGUAGE plpgsql AS $$"
                    + " BEGIN RAISE EXCEPTION 'bad note %', v; END $$");
            // a constraint violation as PostgreSQL words it, detail line included
            st.execute("CREATE FUNCTION " + SCHEMA + ".check_unique(v text) RETURNS boolean LANGUAGE plpgsql AS $$"
                    + " BEGIN RAISE unique_violation USING MESSAGE = 'duplicate key value violates unique constraint"
                    + " \"items_note_key\"', DETAIL = 'Key (note)=(' || v || ') already exists.'; END $$");
        }
        try (Connection db = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/", "root", "");
             Statement st = db.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + SCHEMA);
            st.execute("CREATE DATABASE " + SCHEMA);
            tables(st);
            st.execute("CREATE FUNCTION " + SCHEMA + ".check_note(v VARCHAR(200)) RETURNS INT DETERMINISTIC BEGIN"
                    + " DECLARE m VARCHAR(255) DEFAULT CONCAT('bad note ', v); SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = m;"
                    + " RETURN 0; END");
            st.execute("CREATE FUNCTION " + SCHEMA + ".check_unique(v VARCHAR(200)) RETURNS INT DETERMINISTIC BEGIN"
                    + " DECLARE m VARCHAR(255) DEFAULT CONCAT('Duplicate entry ''', v, ''' for key ''PRIMARY''');"
                    + " SIGNAL SQLSTATE '23000' SET MYSQL_ERRNO = 1062, MESSAGE_TEXT = m; RETURN 0; END");
            st.execute("CREATE FUNCTION " + SCHEMA + ".check_date(v VARCHAR(200)) RETURNS INT DETERMINISTIC BEGIN"
                    + " DECLARE m VARCHAR(255) DEFAULT CONCAT('Incorrect datetime value: ''', v, '''');"
                    + " SIGNAL SQLSTATE '22007' SET MESSAGE_TEXT = m; RETURN 0; END");
        }
        try (RedisClient redis = redis()) {
            for (int id = 1; id <= 3; id++) {
                redis.set("lk:acme:item:" + id, "v" + id);
            }
        }
    }

    private static void tables(Statement st) throws Exception {
        st.execute("CREATE TABLE " + SCHEMA + ".tenants (tenant_id VARCHAR(32) PRIMARY KEY, note VARCHAR(200))");
        st.execute("CREATE TABLE " + SCHEMA + ".items (tenant_id VARCHAR(32), id BIGINT, value VARCHAR(32),"
                + " note VARCHAR(200), PRIMARY KEY (tenant_id, id))");
        st.execute("INSERT INTO " + SCHEMA + ".tenants VALUES ('acme', '" + SECRET + "')");
        for (int id = 1; id <= 3; id++) {
            st.execute("INSERT INTO " + SCHEMA + ".items VALUES ('acme', " + id + ", 'v" + id + "', '" + SECRET + "')");
        }
    }

    private static RedisClient redis() {
        return RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", 6379))
                .clientConfig(DefaultJedisClientConfig.builder().database(REDIS_DB).build()).build();
    }

    @AfterAll
    static void drop() throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
             Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
        try (Connection db = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/", "root", "");
             Statement st = db.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + SCHEMA);
        }
        try (RedisClient redis = redis()) {
            for (int id = 1; id <= 3; id++) {
                redis.del("lk:acme:item:" + id);
            }
        }
    }

    private static final String ITEMS = "SELECT id, value FROM " + SCHEMA + ".items WHERE tenant_id = :tenant_id AND id IN (:id)";
    private static final String TENANTS = "SELECT tenant_id FROM " + SCHEMA + ".tenants";

    /** A failing query, where it is, and how the run that meets it ends. */
    enum Failure {
        PG_TENANTS_CAST(PG, TENANTS + " WHERE note::int >= 0", ITEMS, 2, "tenants.sql failed: ", "(SQLState 22P02"),
        PG_TENANTS_JSON_DETAIL(PG, TENANTS + " WHERE (note::jsonb) IS NOT NULL", ITEMS, 2, "tenants.sql failed: ", "(SQLState 22P02"),
        PG_TENANTS_CONSTRAINT(PG, TENANTS + " WHERE " + SCHEMA + ".check_unique(note)", ITEMS, 2, "tenants.sql failed: ",
                "a unique constraint was violated (SQLState 23505"),
        PG_TENANTS_RAISE(PG, TENANTS + " WHERE " + SCHEMA + ".check_note(note)", ITEMS, 2, "tenants.sql failed: ", "(SQLState P0001"),
        MARIADB_TENANTS_SIGNAL(MARIADB, TENANTS + " WHERE " + SCHEMA + ".check_note(note) = 0", ITEMS, 2, "tenants.sql failed: ",
                "(SQLState 45000"),
        MARIADB_TENANTS_CONSTRAINT(MARIADB, TENANTS + " WHERE " + SCHEMA + ".check_unique(note) = 0", ITEMS, 2,
                "tenants.sql failed: ", "(SQLState 23000, error 1062"),
        // a data error in a lookup isolates the keys it comes from, which are reported (not the value)
        PG_NAMESPACE_CAST(PG, TENANTS, "SELECT id, value, note::int AS n FROM " + SCHEMA + ".items WHERE tenant_id ="
                + " :tenant_id AND id IN (:id)", 1, "drifted: 3", "unmapped 3"),
        PG_NAMESPACE_RAISE(PG, TENANTS, ITEMS + " AND " + SCHEMA + ".check_note(note)", 2, "namespaces[item].sql failed: ",
                "(SQLState P0001"),
        MARIADB_NAMESPACE_SIGNAL(MARIADB, TENANTS, ITEMS + " AND " + SCHEMA + ".check_note(note) = 0", 2,
                "namespaces[item].sql failed: ", "(SQLState 45000"),
        MARIADB_NAMESPACE_DATA(MARIADB, TENANTS, ITEMS + " AND " + SCHEMA + ".check_date(note) = 0", 1, "drifted: 3", "unmapped 3");

        final String url;
        final String tenantsSql;
        final String itemSql;
        final int exitCode;
        final String[] expected;

        Failure(String url, String tenantsSql, String itemSql, int exitCode, String... expected) {
            this.url = url;
            this.tenantsSql = tenantsSql;
            this.itemSql = itemSql;
            this.exitCode = exitCode;
            this.expected = expected;
        }

        String contract() {
            return """
                    version: 1
                    cache: {url: "redis://127.0.0.1:6379/%d"}
                    source: {url: "%s", auth: {username: %s}}
                    tenants: {sql: "%s"}
                    check: {graceMillis: 0, maxRetries: 1, retryBackoffMillis: 10}
                    namespaces:
                      - name: item
                        keyPattern: "lk:{tenant_id}:item:{id}"
                        valueType: string
                        sql: "%s"
                        column: value
                    """.formatted(REDIS_DB, url, url.contains("postgresql") ? "postgres" : "root", tenantsSql, itemSql);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Failure.class)
    void aFailingQueryOverRowsWithASecret_putsTheSecretInNoOutput(Failure failure) throws Exception {
        Path work = Files.createDirectories(dir.resolve(failure.name()));
        Files.writeString(work.resolve("contract.yaml"), failure.contract());
        Path out = work.resolve("out");

        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                new File("target/cachecheck.jar").getAbsolutePath(), "validate", "--contract",
                work.resolve("contract.yaml").toString(), "--out", out.toString());
        Process p = new ProcessBuilder(command).redirectOutput(work.resolve("stdout").toFile())
                .redirectError(work.resolve("stderr").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String stdout = Files.readString(work.resolve("stdout"));
        String stderr = Files.readString(work.resolve("stderr"));

        // the run met the failure it was meant to (so the absence of the secret below means something)
        assertThat(p.exitValue()).as(stdout + stderr).isEqualTo(failure.exitCode);
        assertThat(stdout + stderr).contains(failure.expected);
        assertThat(stdout).doesNotContain(MARKER).doesNotContain("Überweisung");
        assertThat(stderr).doesNotContain(MARKER).doesNotContain("Überweisung");
        List<Path> written = new ArrayList<>();
        if (Files.exists(out)) {
            try (var files = Files.walk(out)) {
                files.filter(Files::isRegularFile).forEach(written::add);
            }
        }
        for (Path file : written) {
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            assertThat(text).as(file.toString()).doesNotContain(MARKER).doesNotContain("Überweisung");
        }
        if (failure.exitCode != 2 || !failure.expected[0].startsWith("tenants.sql")) {
            assertThat(written).as("the run wrote its audit log").anyMatch(f -> f.toString().contains("audit"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Failure.class, names = {"PG_TENANTS_JSON_DETAIL", "PG_TENANTS_CONSTRAINT", "MARIADB_TENANTS_SIGNAL"})
    void theExceptionTheSourceThrows_carriesTheSecretNowhere_causesAndStackTraceIncluded(Failure failure) {
        Contract contract = ContractLoader.withEnvironment(k -> null).parse(failure.contract());
        Throwable thrown;
        try (JdbcSource source = new JdbcSource(contract.source(), SecretResolver.withEnvironment(k -> null), 1, 10)) {
            thrown = catchThrowable(() -> ShardPlanner.discover(contract, source));
        }

        assertThat(thrown).hasMessageStartingWith("tenants.sql failed: ");
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString()).contains("Caused by: java.sql.SQLException").doesNotContain(MARKER)
                .doesNotContain("Überweisung");
    }
}
