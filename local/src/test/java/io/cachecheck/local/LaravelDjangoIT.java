package io.cachecheck.local;

import io.cachecheck.audit.AuditLog;
import io.cachecheck.check.DriftClass;
import io.cachecheck.local.cli.CacheCheckCli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.cachecheck.local.LocalWorkflowIT.checkedAuditLog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Laravel (PHP serialize()) and Django (pickle) caches through the CLI: the values are written by php and python3
 * themselves (the test is skipped when the tool is not installed), then rows change behind the cache. The findings
 * must be exactly the injected STALE, ORPHAN and CORRUPT keys; the traps stay CONSISTENT: a total cached as 12.5 for a
 * numeric 12.50, and a time cached in another zone (+02:00) for the same instant.
 *
 * <p>Schema cc_it_phppickle in PostgreSQL; Redis db 1 (flushed by this test and SpringCacheServiceIT only).
 */
class LaravelDjangoIT {
    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String SCHEMA = "cc_it_phppickle";
    private static final int REDIS_DB = 1;

    @TempDir
    Path dir;

    record Expected(String key, DriftClass driftClass) {
    }

    @AfterAll
    static void drop() throws Exception {
        try (Connection db = DriverManager.getConnection(PG, "postgres", ""); Statement s = db.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    private static boolean installed(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"php", "pickle"})
    void frameworkCache_rowsChangedBehindIt_areFoundExactly(String format) throws Exception {
        String tool = format.equals("php") ? "php" : "python3";
        assumeTrue(installed(tool), tool + " is not installed: it writes this test's values");
        String prefix = format.equals("php") ? "laravel_database_laravel_cache_:order:" : ":1:order:";
        try (Connection db = DriverManager.getConnection(PG, "postgres", ""); Statement s = db.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            s.execute("CREATE SCHEMA " + SCHEMA);
            s.execute("CREATE TABLE " + SCHEMA + ".tenants (tenant_id text PRIMARY KEY)");
            s.execute("INSERT INTO " + SCHEMA + ".tenants VALUES ('acme'), ('globex')");
            s.execute("CREATE TABLE " + SCHEMA + ".orders (tenant_id text, order_id bigint, status text, total numeric(12,2),"
                    + " updated_at timestamptz(3), PRIMARY KEY (tenant_id, order_id))");
            s.execute("INSERT INTO " + SCHEMA + ".orders SELECT t, i, 'PAID', i * 12.5, timestamptz '2025-03-31 03:34:16.1+00'"
                    + " + i * interval '1 minute' FROM unnest(ARRAY['acme','globex']) t, generate_series(1, 12) i");
        }
        // what the application cached: the rows as its driver returned them; order 1 with the trap spellings
        StringBuilder input = new StringBuilder();
        for (String tenant : List.of("acme", "globex")) {
            for (int i = 1; i <= 12; i++) {
                String total = i == 1 ? "12.5" : new java.math.BigDecimal(i).multiply(new java.math.BigDecimal("12.50")).toPlainString();
                java.time.Instant at = java.time.Instant.parse("2025-03-31T03:34:16.100Z").plusSeconds(60L * i);
                String time = i == 1 ? at.atOffset(java.time.ZoneOffset.ofHours(2)).toString() : at.toString();
                input.append("[\"").append(prefix).append(tenant).append(':').append(i).append("\",").append(i).append(",\"PAID\",\"")
                        .append(total).append("\",\"").append(time).append("\"]\n");
            }
        }
        Path script = Path.of(getClass().getClassLoader().getResource(
                format.equals("php") ? "formatsdoc/write_serialized.php" : "formatsdoc/write_pickles.py").toURI());
        Process p = new ProcessBuilder(tool, script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().write(input.toString().getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String written = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as(tool + " wrote the values").isTrue();
        try (Jedis redis = new Jedis("127.0.0.1", 6379)) {
            redis.select(REDIS_DB);
            redis.flushDB();
            for (String line : written.strip().split("\n")) {
                String[] kv = line.split(" ");
                redis.set(kv[0].getBytes(StandardCharsets.UTF_8), HexFormat.of().parseHex(kv[1]));
            }
            byte[] key = (prefix + "globex:7").getBytes(StandardCharsets.UTF_8);
            byte[] value = redis.get(key);
            redis.set(key, Arrays.copyOf(value, value.length / 2)); // cut short, as a torn write leaves it
        }
        try (Connection db = DriverManager.getConnection(PG, "postgres", ""); Statement s = db.createStatement()) {
            s.execute("UPDATE " + SCHEMA + ".orders SET total = total + 1 WHERE tenant_id = 'acme' AND order_id IN (2, 3)");
            s.execute("UPDATE " + SCHEMA + ".orders SET status = 'SHIPPED' WHERE tenant_id = 'globex' AND order_id = 4");
            s.execute("DELETE FROM " + SCHEMA + ".orders WHERE tenant_id = 'globex' AND order_id = 5");
        }
        List<Expected> expected = new ArrayList<>(List.of(
                new Expected(prefix + "acme:2", DriftClass.STALE), new Expected(prefix + "acme:3", DriftClass.STALE),
                new Expected(prefix + "globex:4", DriftClass.STALE), new Expected(prefix + "globex:5", DriftClass.ORPHAN),
                new Expected(prefix + "globex:7", DriftClass.CORRUPT)));

        Path contract = dir.resolve("contract.yaml");
        Files.writeString(contract, """
                version: 1
                cache:
                  url: redis://127.0.0.1:6379/%d
                source:
                  url: jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test
                  auth: {username: postgres}
                tenants:
                  sql: SELECT tenant_id FROM %s.tenants ORDER BY tenant_id
                check:
                  graceMillis: 0
                namespaces:
                  - name: order
                    keyPattern: "%s{tenant_id}:{order_id}"
                    decode: [%s]
                    sql: >-
                      SELECT order_id, status, total, updated_at FROM %s.orders
                      WHERE tenant_id = :tenant_id AND order_id IN (:order_id)
                    fields: {order_id: order_id, status: status, total: total, updated_at: updated_at}
                """.formatted(REDIS_DB, SCHEMA, prefix, format, SCHEMA));
        Path out = dir.resolve("out");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code = new CacheCheckCli(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8))
                .run(new String[]{"validate", "--contract", contract.toString(), "--out", out.toString(), "--quiet",
                        "--run-id", format + "-1", "--baseline", "none"});

        String console = stdout.toString(StandardCharsets.UTF_8) + stderr.toString(StandardCharsets.UTF_8);
        AuditLog log = checkedAuditLog(out, format + "-1");
        assertThat(log.findings()).as(console + log.findings().stream()
                        .map(f -> f.key() + " " + f.driftClass() + " " + f.reason() + " " + f.fields()).toList())
                .extracting(f -> new Expected(f.key(), f.driftClass())).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(code).as(console).isEqualTo(CacheCheckCli.DRIFT);
        assertThat(log.summary().keysChecked()).isEqualTo(24);
        assertThat(log.remediation().plan().actions()).extracting(a -> a.key()).doesNotContain(prefix + "globex:7");
        try (Jedis redis = new Jedis("127.0.0.1", 6379)) {
            redis.select(REDIS_DB);
            redis.flushDB();
        }
    }
}
