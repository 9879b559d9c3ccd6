package io.cachecheck.local;

import io.cachecheck.audit.AuditLog;
import io.cachecheck.check.DriftClass;
import io.cachecheck.local.cli.CacheCheckCli;
import io.cachecheck.local.spring.SpringCacheApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
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
import java.util.List;
import java.util.stream.Stream;

import static io.cachecheck.local.LocalWorkflowIT.checkedAuditLog;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acceptance case: a Spring service ({@code @Cacheable} over {@code RedisCacheManager}, PostgreSQL behind
 * it) fills its cache through its own read path, then rows change behind its back. cachecheck, given a contract that
 * declares the format and maps each field to its column by name (no SQL tricks), must find every changed row and
 * nothing else. Run for Spring Boot's default (JDK serialisation) and for GenericJackson2JsonRedisSerializer.
 *
 * <p>Schema cc_it_spring in PostgreSQL; Redis db 1, flushed by this test only.
 */
class SpringCacheServiceIT {
    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String SCHEMA = "cc_it_spring";
    private static final List<String> TENANTS = List.of("acme", "globex", "initech");
    private static final int ORDERS_PER_TENANT = 40;

    @TempDir
    Path dir;

    record Expected(String key, DriftClass driftClass) {
    }

    @BeforeAll
    static void schema() throws Exception {
        try (Connection db = DriverManager.getConnection(PG, "postgres", ""); Statement s = db.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            s.execute("CREATE SCHEMA " + SCHEMA);
        }
    }

    @AfterAll
    static void drop() throws Exception {
        try (Connection db = DriverManager.getConnection(PG, "postgres", ""); Statement s = db.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    static String contract(SpringCacheApp.Serialization serialization, int redisDb, String table) {
        String decode = serialization == SpringCacheApp.Serialization.JDK_DEFAULT ? "[java]" : "[json, jackson-typed]";
        return """
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
                  - name: orders
                    keyPattern: "orders::{tenant_id}:{id}"
                    decode: %s
                    sql: >-
                      SELECT id, tenant_id, customer, total, updated_at, status, items, paid, tags FROM %s
                      WHERE tenant_id = :tenant_id AND id IN (:id)
                    fields:
                      id: id
                      tenantId: tenant_id
                      customer: customer
                      total: total
                      updatedAt: updated_at
                      status: status
                      items: items
                      paid: paid
                      tags: tags
                """.formatted(redisDb, SCHEMA, decode, table);
    }

    @ParameterizedTest
    @EnumSource(SpringCacheApp.Serialization.class)
    void springService_rowsChangedBehindItsBack_areFoundExactly(SpringCacheApp.Serialization serialization) throws Exception {
        int redisDb = 1; // flushed at the start of each case: the two cases run one after the other
        String table = SCHEMA + ".orders_" + serialization.name().toLowerCase();
        try (Jedis redis = new Jedis("127.0.0.1", 6379)) {
            redis.select(redisDb);
            redis.flushDB();
        }
        try (Connection db = DriverManager.getConnection(PG, "postgres", ""); Statement s = db.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + SCHEMA + ".tenants (tenant_id text PRIMARY KEY)");
            s.execute("INSERT INTO " + SCHEMA + ".tenants VALUES ('acme'), ('globex'), ('initech') ON CONFLICT DO NOTHING");
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute("CREATE TABLE " + table + " (tenant_id text, id bigint, customer text, total numeric(12,2),"
                    + " updated_at timestamptz, status text, items int, paid boolean, tags text[], PRIMARY KEY (tenant_id, id))");
            // totals with trailing zeros (12.50, 100.00) and sub-second times: the traps that must stay equal
            s.execute("INSERT INTO " + table + " SELECT t, i, 'customer ' || i || ' ü', (i * 12.5)::numeric(12,2),"
                    + " timestamptz '2025-03-31 03:34:16.1+00' + i * interval '1 minute 0.25 second',"
                    + " (ARRAY['NEW','PAID','SHIPPED'])[1 + i % 3], i % 7, i % 2 = 0, ARRAY['t' || (i % 3), 'gift']"
                    + " FROM unnest(ARRAY['acme','globex','initech']) t, generate_series(1, " + ORDERS_PER_TENANT + ") i");
        }
        List<Expected> expected = new ArrayList<>();
        try (SpringCacheApp app = SpringCacheApp.start(serialization, redisDb, PG, table)) {
            for (String tenant : TENANTS) {
                for (long id = 1; id <= ORDERS_PER_TENANT; id++) {
                    app.orders().find(tenant, id);
                }
                app.orders().find(tenant, 9000); // no such order: Spring caches a NullValue
            }
        }
        try (Connection db = DriverManager.getConnection(PG, "postgres", ""); Statement s = db.createStatement()) {
            s.execute("UPDATE " + table + " SET total = total + 0.01 WHERE tenant_id = 'acme' AND id IN (3, 4)");
            s.execute("UPDATE " + table + " SET status = 'SHIPPED', updated_at = updated_at + interval '1 hour'"
                    + " WHERE tenant_id = 'globex' AND id = 10 AND status <> 'SHIPPED'");
            s.execute("UPDATE " + table + " SET tags = ARRAY['t9'] WHERE tenant_id = 'initech' AND id = 5");
            s.execute("DELETE FROM " + table + " WHERE tenant_id = 'globex' AND id = 20");
            s.execute("INSERT INTO " + table + " SELECT 'acme', 9000, 'late', 1, now(), 'NEW', 1, false, ARRAY['x']");
        }
        expected.add(new Expected("orders::acme:3", DriftClass.STALE));
        expected.add(new Expected("orders::acme:4", DriftClass.STALE));
        expected.add(new Expected("orders::globex:10", DriftClass.STALE));
        expected.add(new Expected("orders::initech:5", DriftClass.STALE));
        expected.add(new Expected("orders::globex:20", DriftClass.ORPHAN));
        expected.add(new Expected("orders::acme:9000", DriftClass.STALE)); // cached "no such order", but there is one
        try (Jedis redis = new Jedis("127.0.0.1", 6379)) {
            redis.select(redisDb);
            byte[] key = "orders::initech:7".getBytes(StandardCharsets.UTF_8);
            byte[] value = redis.get(key);
            redis.set(key, Arrays.copyOf(value, value.length / 2)); // a value cut short, as a torn write leaves it
        }
        expected.add(new Expected("orders::initech:7", DriftClass.CORRUPT));

        Path contract = dir.resolve("contract.yaml");
        Files.writeString(contract, contract(serialization, redisDb, table));
        Path out = dir.resolve("out");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code = new CacheCheckCli(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8))
                .run(new String[]{"validate", "--contract", contract.toString(), "--out", out.toString(), "--quiet",
                        "--run-id", "spring-1", "--baseline", "none"});

        String console = stdout.toString(StandardCharsets.UTF_8) + stderr.toString(StandardCharsets.UTF_8);
        AuditLog log = checkedAuditLog(out, "spring-1");
        assertThat(log.findings()).as(console + log.findings().stream().limit(8)
                        .map(f -> f.key() + " " + f.driftClass() + " " + f.reason() + " " + f.fields()).toList()).extracting(f -> new Expected(f.key(), f.driftClass()))
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(code).as(console).isEqualTo(CacheCheckCli.DRIFT);
        assertThat(log.summary().keysChecked()).isEqualTo(TENANTS.size() * (ORDERS_PER_TENANT + 1));
        // the cut-short value was never compared: no default plan may delete it
        assertThat(log.remediation().plan().actions()).extracting(a -> a.key())
                .doesNotContain("orders::initech:7");
        try (Stream<Path> files = Files.walk(out)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain("customer 1 ü", "gift");
            }
        }
    }
}
