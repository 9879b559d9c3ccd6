package io.cachecheck.local;

import io.cachecheck.audit.AuditLog;
import io.cachecheck.audit.AuditLogSchemaValidator;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Finding;
import io.cachecheck.local.cli.CacheCheckCli;
import io.cachecheck.remediate.Excluded;
import io.cachecheck.remediate.PlannedAction;
import io.cachecheck.workflow.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every value format through the CLI, against the real Redis (db 14, keys under {@code fmt:}) and PostgreSQL (schema
 * cc_it_formats) or MariaDB (tables cc_fmt_* in test). Each format is one namespace of one contract, and holds, per
 * tenant, values written by the library that writes them in production. Injected: a STALE total (key 4), an ORPHAN
 * (acme 5), a CORRUPT truncated value (globex 6); for Spring, a cached NullValue whose row exists (8, STALE). Traps
 * that must stay CONSISTENT: 12.5 for 12.50 (2), a total of another scale and a time in another zone (3), fields
 * written in another order (globex 1), Spring's NullValue for a row that does not exist (7), and arrays of line
 * objects compared with a json_agg / JSON_ARRAYAGG column. The findings must equal the injected set exactly.
 */
class FormatsIT {
    static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String MARIADB = "jdbc:mariadb://127.0.0.1:3306/test";
    static final String SCHEMA = "cc_it_formats";
    static final int REDIS_DB = 14;
    static final URI REDIS = URI.create("redis://127.0.0.1:6379/" + REDIS_DB);
    static final List<String> TENANTS = List.of("acme", "globex");
    static final OffsetDateTime PLACED = OffsetDateTime.parse("2025-03-31T03:34:16.100Z");

    @TempDir
    Path out;

    /** One format: a namespace whose values one library writes. */
    record Format(String name, String valueType, String decode, boolean pascal, boolean spring,
                  Function<FormatValues.Order, byte[]> bytes) {
        String keyPattern() {
            return "fmt:{tenant_id}:" + name + ":{order_id}";
        }

        String key(String tenant, long id) {
            return "fmt:" + tenant + ":" + name + ":" + id;
        }

        String field(String camel) {
            return pascal ? Character.toUpperCase(camel.charAt(0)) + camel.substring(1) : camel;
        }
    }

    static Function<FormatValues.Order, byte[]> plainThen(Function<byte[], byte[]> compress) {
        return o -> compress.apply(FormatValues.json(o));
    }

    static List<Format> formats(boolean withNode) {
        List<Format> f = new ArrayList<>(List.of(
                new Format("spring_generic", "json", "[json, jackson-typed]", false, true,
                        o -> FormatValues.SPRING_GENERIC.serialize(o instanceof FormatValues.ReorderedOrder
                                ? reorderedDated(o) : FormatValues.DatedOrder.of(o))),
                new Format("spring_generic_time", "json", "[json, jackson-typed]", false, true, FormatValues.SPRING_GENERIC_TIME::serialize),
                new Format("jackson2_non_final", "json", "[json, jackson-typed]", false, true, FormatValues.JACKSON2_NON_FINAL::serialize),
                new Format("plain_json", "json", null, false, false, FormatValues::json),
                new Format("gzip_json", "json", "[gzip, json]", false, false, plainThen(FormatValues::gzip)),
                new Format("zlib_json", "json", "[zlib, json]", false, false, plainThen(FormatValues::zlib)),
                new Format("deflate_json", "json", "[deflate, json]", false, false, plainThen(FormatValues::rawDeflate)),
                new Format("lz4_json", "json", "[lz4, json]", false, false, plainThen(FormatValues::lz4)),
                new Format("snappy_json", "json", "[snappy, json]", false, false, plainThen(FormatValues::snappy)),
                new Format("zstd_json", "json", "[zstd, json]", false, false, plainThen(FormatValues::zstd)),
                new Format("msgpack", "json", "[msgpack]", false, false, o -> {
                    try {
                        return FormatValues.MSGPACK.writeValueAsBytes(o);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }),
                new Format("dotnet_hash", "hash", "[{hashField: data}, json]", true, false, o -> {
                    try {
                        return FormatValues.PASCAL.writeValueAsBytes(o);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })));
        if (withNode) {
            f.add(new Format("keyv_envelope", "json", "[json, {envelope: value}]", false, false,
                    o -> FormatValues.keyvEnvelope(FormatValues.json(o), 1743392056100L)));
        }
        return f;
    }

    private static FormatValues.DatedOrder reorderedDated(FormatValues.Order o) {
        FormatValues.DatedOrder d = FormatValues.DatedOrder.of(o);
        FormatValues.ReorderedDatedOrder r = new FormatValues.ReorderedDatedOrder();
        r.id = d.id;
        r.status = d.status;
        r.total = d.total;
        r.placedAt = d.placedAt;
        r.lines = d.lines;
        return r;
    }

    /** Row {@code id} of {@code tenant}: the values in the database before any drift is injected. */
    static FormatValues.Order row(String tenant, long id) {
        FormatValues.Order o = new FormatValues.Order();
        o.id = id;
        o.status = "fmtstatus-" + tenant + "-" + id;
        o.total = new BigDecimal(id * 10 + 2).add(new BigDecimal("0.50"));
        o.placedAt = PLACED.plusMinutes(id);
        o.lines = List.of(new FormatValues.Line("S-" + id + "-1", 1, new BigDecimal("1.50")),
                new FormatValues.Line("S-" + id + "-2", 2, new BigDecimal("2.25")));
        return o;
    }

    /** What the application caches for row {@code id}: the traps write equal values differently. */
    static FormatValues.Order cached(String tenant, long id) {
        FormatValues.Order o = row(tenant, id);
        if (id == 1 && tenant.equals("globex")) {
            return o.copy(new FormatValues.ReorderedOrder());
        }
        if (id == 2) {
            o.total = o.total.stripTrailingZeros(); // 22.5 for 22.50
        }
        if (id == 3) {
            o.total = o.total.setScale(3, RoundingMode.UNNECESSARY); // 32.500
            o.placedAt = o.placedAt.withOffsetSameInstant(ZoneOffset.ofHoursMinutes(5, 30));
        }
        return o;
    }

    interface Sql {
        void run(String sql) throws Exception;
    }

    private static void seed(Connection db, boolean postgres, Sql sql) throws Exception {
        String t = postgres ? SCHEMA + "." : "cc_fmt_";
        if (postgres) {
            sql.run("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            sql.run("CREATE SCHEMA " + SCHEMA);
        } else {
            sql.run("DROP TABLE IF EXISTS cc_fmt_tenants, cc_fmt_orders, cc_fmt_lines");
        }
        sql.run("CREATE TABLE " + t + "tenants (tenant_id varchar(20) PRIMARY KEY, active boolean NOT NULL)");
        sql.run("CREATE TABLE " + t + "orders (tenant_id varchar(20), order_id bigint, status varchar(64), total numeric(12,2), placed_at "
                + (postgres ? "timestamptz" : "datetime(6)") + ", PRIMARY KEY (tenant_id, order_id))");
        sql.run("CREATE TABLE " + t + "lines (tenant_id varchar(20), order_id bigint, line_no int, sku varchar(20), qty int,"
                + " price numeric(12,2), PRIMARY KEY (tenant_id, order_id, line_no))");
        for (String tenant : TENANTS) {
            sql.run("INSERT INTO " + t + "tenants VALUES ('" + tenant + "', true)");
            for (long id = 1; id <= 8; id++) {
                if (id == 7) {
                    continue; // Spring caches NullValue for it: the row does not exist
                }
                FormatValues.Order o = row(tenant, id);
                try (PreparedStatement ps = db.prepareStatement("INSERT INTO " + t + "orders VALUES (?, ?, ?, ?, ?)")) {
                    ps.setString(1, tenant);
                    ps.setLong(2, id);
                    ps.setString(3, o.status);
                    ps.setBigDecimal(4, o.total);
                    if (postgres) {
                        ps.setObject(5, o.placedAt);
                    } else {
                        ps.setObject(5, o.placedAt.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime());
                    }
                    ps.executeUpdate();
                }
                for (int n = 0; n < o.lines.size(); n++) {
                    FormatValues.Line l = o.lines.get(n);
                    sql.run("INSERT INTO " + t + "lines VALUES ('" + tenant + "', " + id + ", " + (n + 1) + ", '" + l.sku + "', "
                            + l.qty + ", " + l.price + ")");
                }
            }
        }
    }

    /** The namespace of one format, with the line array built by the database (json_agg or JSON_ARRAYAGG). */
    static String namespace(Format f, boolean postgres) {
        String t = postgres ? SCHEMA + "." : "cc_fmt_";
        String lines = postgres
                ? "(SELECT json_agg(json_build_object('" + f.field("sku") + "', l.sku, '" + f.field("qty") + "', l.qty, '"
                        + f.field("price") + "', l.price) ORDER BY l.line_no) FROM " + t + "lines l"
                        + " WHERE l.tenant_id = o.tenant_id AND l.order_id = o.order_id)"
                : "(SELECT JSON_ARRAYAGG(JSON_OBJECT('" + f.field("sku") + "', l.sku, '" + f.field("qty") + "', l.qty, '"
                        + f.field("price") + "', l.price) ORDER BY l.line_no) FROM " + t + "lines l"
                        + " WHERE l.tenant_id = o.tenant_id AND l.order_id = o.order_id)";
        return """
                  - name: %s
                    keyPattern: "%s"
                    valueType: %s
                %s    sql: >-
                      SELECT o.order_id, o.status, o.total, o.placed_at, %s AS line_items
                      FROM %sorders o WHERE o.tenant_id = :tenant_id AND o.order_id IN (:order_id)
                    fields: {%s: order_id, %s: status, %s: total, %s: placed_at, %s: line_items}
                """.formatted(f.name(), f.keyPattern(), f.valueType(), f.decode() == null ? "" : "    decode: " + f.decode() + "\n",
                lines, t, f.field("id"), f.field("status"), f.field("total"), f.field("placedAt"), f.field("lines"));
    }

    static String contract(List<Format> formats, boolean postgres, String checkExtra) {
        StringBuilder c = new StringBuilder("""
                version: 1
                cache:
                  url: redis://127.0.0.1:6379/%d
                source:
                  url: %s
                  auth:
                    username: %s
                tenants:
                  sql: SELECT tenant_id FROM %stenants WHERE active
                check:
                  graceMillis: 0
                  maxRetries: 1
                  retryBackoffMillis: 10
                %snamespaces:
                """.formatted(REDIS_DB, postgres ? "jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test" : "jdbc:aws-wrapper:mariadb://127.0.0.1:3306/test",
                postgres ? "postgres" : "root", postgres ? SCHEMA + "." : "cc_fmt_", checkExtra));
        formats.forEach(f -> c.append(namespace(f, postgres)));
        return c.toString();
    }

    static void clearRedis() {
        try (Jedis jedis = new Jedis(REDIS)) {
            Set<String> keys = jedis.keys("fmt:*");
            if (!keys.isEmpty()) {
                jedis.del(keys.toArray(new String[0]));
            }
        }
    }

    /** Writes every format's values, then injects the drift; returns the findings the run must report. */
    static Set<String> cacheAndInject(List<Format> formats, Connection db, boolean postgres) throws Exception {
        Set<String> expected = new HashSet<>();
        try (Jedis jedis = new Jedis(REDIS)) {
            for (Format f : formats) {
                for (String tenant : TENANTS) {
                    for (long id = 1; id <= 6; id++) {
                        byte[] value = f.bytes().apply(cached(tenant, id));
                        if (tenant.equals("globex") && id == 6) {
                            value = Arrays.copyOf(value, value.length / 2); // a write cut short
                            expected.add(tenant + "|" + f.name() + "|" + f.key(tenant, id) + "|CORRUPT");
                        }
                        if (tenant.equals("acme") && id == 6 && f.name().equals("plain_json")) {
                            value = new String(value, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16LE);
                            expected.add(tenant + "|" + f.name() + "|" + f.key(tenant, id) + "|CORRUPT");
                        }
                        set(jedis, f, f.key(tenant, id), value);
                        if (f.name().equals("spring_generic_time") && id == 3) {
                            // the traps are really in the bytes: another scale, another zone
                            assertThat(new String(value, StandardCharsets.UTF_8)).contains("[\"java.math.BigDecimal\",32.500]", "+05:30");
                        }
                        if (f.name().equals("spring_generic") && id == 2) {
                            assertThat(new String(value, StandardCharsets.UTF_8)).contains("[\"java.math.BigDecimal\",22.5]");
                        }
                    }
                    expected.add(tenant + "|" + f.name() + "|" + f.key(tenant, 4) + "|STALE");
                    if (tenant.equals("acme")) {
                        expected.add(tenant + "|" + f.name() + "|" + f.key(tenant, 5) + "|ORPHAN");
                    }
                    if (f.spring()) {
                        set(jedis, f, f.key(tenant, 7), FormatValues.springNull()); // no row: consistent
                        set(jedis, f, f.key(tenant, 8), FormatValues.springNull()); // the row exists: stale
                        expected.add(tenant + "|" + f.name() + "|" + f.key(tenant, 8) + "|STALE");
                    }
                }
            }
        }
        String t = postgres ? SCHEMA + "." : "cc_fmt_";
        try (Statement s = db.createStatement()) {
            s.execute("UPDATE " + t + "orders SET total = total + 1 WHERE order_id = 4");
            s.execute("DELETE FROM " + t + "orders WHERE tenant_id = 'acme' AND order_id = 5");
            s.execute("DELETE FROM " + t + "lines WHERE tenant_id = 'acme' AND order_id = 5");
        }
        return expected;
    }

    private static void set(Jedis jedis, Format f, String key, byte[] value) {
        if (f.valueType().equals("hash")) {
            // Microsoft.Extensions.Caching.StackExchangeRedis' layout: the expirations in ticks, the payload in data
            Map<byte[], byte[]> hash = new LinkedHashMap<>();
            hash.put("absexp".getBytes(StandardCharsets.UTF_8), "-1".getBytes(StandardCharsets.UTF_8));
            hash.put("sldexp".getBytes(StandardCharsets.UTF_8), "-1".getBytes(StandardCharsets.UTF_8));
            hash.put("data".getBytes(StandardCharsets.UTF_8), value);
            jedis.hset(key.getBytes(StandardCharsets.UTF_8), hash);
        } else {
            jedis.set(key.getBytes(StandardCharsets.UTF_8), value);
        }
    }

    /** Runs {@code cachecheck validate} on the contract and returns the audit log. */
    AuditLog validate(String contract, String runId, int expectedExit, List<String> seededValues) throws Exception {
        Path file = out.resolve(runId + ".yaml");
        Files.writeString(file, contract);
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code = new CacheCheckCli(new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8))
                .run(new String[]{"validate", "--contract", file.toString(), "--out", out.toString(), "--quiet",
                        "--run-id", runId, "--max-drift-ratio", "1"});
        Path audit = out.resolve("audit/" + runId + ".json");
        String json = Files.isRegularFile(audit) ? Files.readString(audit) : "";
        Files.writeString(out.resolve(runId + ".summary.txt"), stdout.toString(StandardCharsets.UTF_8));
        assertThat(code).as(stderr.toString(StandardCharsets.UTF_8) + stdout.toString(StandardCharsets.UTF_8)
                + json.substring(0, Math.min(json.length(), 4000))).isEqualTo(expectedExit);
        assertThat(AuditLogSchemaValidator.create().check(json, seededValues)).as("audit log " + runId).isEmpty();
        return Json.MAPPER.readValue(json, AuditLog.class);
    }

    static List<String> seededStatuses() {
        List<String> values = new ArrayList<>();
        for (String tenant : TENANTS) {
            for (long id = 1; id <= 8; id++) {
                values.add(row(tenant, id).status);
            }
        }
        return values;
    }

    private void everyFormat_findsExactlyTheInjectedDrift(String jdbc, String user, boolean postgres, String runId) throws Exception {
        List<Format> formats = postgres ? formats(FormatValues.nodeAvailable())
                : formats(false).stream().filter(f -> List.of("spring_generic", "msgpack", "zstd_json", "dotnet_hash").contains(f.name())).toList();
        clearRedis();
        Set<String> expected;
        try (Connection db = DriverManager.getConnection(jdbc, user, "")) {
            seed(db, postgres, sql -> {
                try (Statement s = db.createStatement()) {
                    s.execute(sql);
                }
            });
            expected = cacheAndInject(formats, db, postgres);
        }

        AuditLog log = validate(contract(formats, postgres, ""), runId, CacheCheckCli.DRIFT, seededStatuses());

        assertThat(log.findings()).extracting(f -> f.tenant() + "|" + f.namespace() + "|" + f.key() + "|" + f.driftClass())
                .containsExactlyInAnyOrderElementsOf(expected);
        for (Finding f : log.findings()) {
            Format format = formats.stream().filter(x -> x.name().equals(f.namespace())).findFirst().orElseThrow();
            if (f.driftClass() == DriftClass.STALE && f.key().endsWith(":4")) {
                assertThat(f.fields()).as(f.key()).containsExactly(format.field("total"));
            } else if (f.driftClass() == DriftClass.STALE) {
                assertThat(f.fields()).as(f.key() + " (NullValue for a row that exists)")
                        .containsExactlyInAnyOrder("id", "status", "total", "placedAt", "lines");
            }
        }
        long perTenant = 6;
        long keys = 0;
        for (Format f : formats) {
            keys += TENANTS.size() * (perTenant + (f.spring() ? 2 : 0));
        }
        assertThat(log.summary().keysChecked()).isEqualTo(keys);
        assertThat(log.summary().counts().get(DriftClass.CONSISTENT)).isEqualTo(keys - expected.size());
        // what was never compared is never planned for deletion
        assertThat(log.remediation().plan().actions()).extracting(PlannedAction::driftClass)
                .containsOnly(DriftClass.STALE, DriftClass.ORPHAN);
        assertThat(log.remediation().plan().excluded()).filteredOn(e -> e.driftClass() == DriftClass.CORRUPT)
                .extracting(Excluded::reason).containsOnly("not-compared-undecodable")
                .hasSize((int) expected.stream().filter(e -> e.endsWith("|CORRUPT")).count());
    }

    @Test
    void postgres_everyFormat_findsExactlyTheInjectedDrift() throws Exception {
        everyFormat_findsExactlyTheInjectedDrift(PG, "postgres", true, "fmt-pg");
    }

    @Test
    void mariadb_springMessagePackZstdAndDotNet_findExactlyTheInjectedDrift() throws Exception {
        everyFormat_findsExactlyTheInjectedDrift(MARIADB, "root", false, "fmt-mariadb");
    }

    /** A Serializable order, as an application caching with Spring's default JDK serialisation has. */
    public static class SerializableOrder implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        public long id;
        public String status;
        public BigDecimal total;

        SerializableOrder(FormatValues.Order o) {
            id = o.id;
            status = o.status;
            total = o.total;
        }
    }

    @Test
    void wrongDeclaration_isReportedAsAContractError_andNothingOfItIsPlannedForDeletion() throws Exception {
        // Spring's JSON with its type information, declared as plain JSON; Spring's JDK serialisation, declared as JSON
        Format springUndeclared = new Format("spring_undeclared", "json", null, false, false, FormatValues.SPRING_GENERIC_TIME::serialize);
        Format jdk = new Format("jdk_as_json", "json", null, false, false,
                o -> new org.springframework.data.redis.serializer.JdkSerializationRedisSerializer().serialize(new SerializableOrder(o)));
        clearRedis();
        Set<String> expected = new HashSet<>();
        try (Connection db = DriverManager.getConnection(PG, "postgres", "")) {
            seed(db, true, sql -> {
                try (Statement st = db.createStatement()) {
                    st.execute(sql);
                }
            });
            try (Jedis jedis = new Jedis(REDIS)) {
                for (Format f : List.of(springUndeclared, jdk)) {
                    for (String tenant : TENANTS) {
                        for (long id = 1; id <= 6; id++) {
                            set(jedis, f, f.key(tenant, id), f.bytes().apply(cached(tenant, id)));
                            expected.add(tenant + "|" + f.name() + "|" + f.key(tenant, id) + "|CORRUPT");
                        }
                    }
                }
            }
        }
        AuditLog log = validate(contract(List.of(springUndeclared, jdk), true, ""), "fmt-wrong", CacheCheckCli.DRIFT, seededStatuses());

        assertThat(log.findings()).extracting(f -> f.tenant() + "|" + f.namespace() + "|" + f.key() + "|" + f.driftClass())
                .containsExactlyInAnyOrderElementsOf(expected);
        Map<String, io.cachecheck.audit.NamespaceReport> byName = new java.util.HashMap<>();
        log.namespaces().forEach(n -> byName.put(n.namespace(), n));
        assertThat(byName.get("spring_undeclared").wrongFormat().reason()).isEqualTo("unexpected-fields: looks like JSON with"
                + " Jackson type information (@class); declare decode: [json, jackson-typed]");
        assertThat(byName.get("spring_undeclared").wrongFormat().corruptKeys()).isEqualTo(12);
        assertThat(byName.get("jdk_as_json").wrongFormat().reason()).isEqualTo("not-utf8: looks like Java serialization (stream"
                + " magic AC ED); declare decode: [java]");
        assertThat(log.remediation().plan().actions()).isEmpty();
        assertThat(log.remediation().plan().excluded()).extracting(Excluded::reason).containsOnly("not-compared-undecodable").hasSize(24);
        assertThat(Files.readString(out.resolve("fmt-wrong.summary.txt"))).contains(
                "Wrong format? namespace jdk_as_json: 12 of 12 keys checked are CORRUPT (not-utf8: looks like Java serialization",
                "Wrong format? namespace spring_undeclared: 12 of 12 keys checked are CORRUPT (unexpected-fields: looks like JSON"
                        + " with Jackson type information (@class); declare decode: [json, jackson-typed])");
    }

    @Test
    void aCorrect25MiBValue_underAHighMaxValueBytes_isCompared_andUnderTheDefaultIsTooLargeAndNotRemediated() throws Exception {
        Format plain = new Format("large_note", "json", null, false, false, FormatValues::json);
        String note = "Überweisung ".repeat((25 << 20) / 13);
        clearRedis();
        try (Connection db = DriverManager.getConnection(PG, "postgres", ""); Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            st.execute("CREATE SCHEMA " + SCHEMA);
            st.execute("CREATE TABLE " + SCHEMA + ".tenants (tenant_id text PRIMARY KEY, active boolean NOT NULL)");
            st.execute("INSERT INTO " + SCHEMA + ".tenants VALUES ('acme', true)");
            st.execute("CREATE TABLE " + SCHEMA + ".notes (tenant_id text, order_id bigint, note text)");
            try (PreparedStatement ps = db.prepareStatement("INSERT INTO " + SCHEMA + ".notes VALUES ('acme', ?, ?)")) {
                for (long id = 1; id <= 2; id++) {
                    ps.setLong(1, id);
                    ps.setString(2, note);
                    ps.executeUpdate();
                }
            }
        }
        try (Jedis jedis = new Jedis(REDIS)) {
            jedis.set(plain.key("acme", 1).getBytes(StandardCharsets.UTF_8), FormatValues.json(Map.of("id", 1, "note", note)));
            jedis.set(plain.key("acme", 2).getBytes(StandardCharsets.UTF_8), FormatValues.json(Map.of("id", 2, "note", note + "!")));
        }
        String namespace = """
                  - name: large_note
                    keyPattern: "fmt:{tenant_id}:large_note:{order_id}"
                    valueType: json
                    sql: SELECT order_id, note FROM %s.notes WHERE tenant_id = :tenant_id AND order_id IN (:order_id)
                    fields: {id: order_id, note: note}
                """.formatted(SCHEMA);
        String head = contract(List.of(), true, "");

        AuditLog high = validate(head.replace("  graceMillis: 0\n", "  graceMillis: 0\n  maxValueBytes: 209715200\n") + namespace,
                "fmt-large", CacheCheckCli.DRIFT, List.of());
        AuditLog defaults = validate(head + namespace, "fmt-large-default", CacheCheckCli.DRIFT, List.of());

        assertThat(high.findings()).extracting(f -> f.key() + "|" + f.driftClass() + "|" + f.fields())
                .containsExactly("fmt:acme:large_note:2|STALE|[note]");
        assertThat(defaults.findings()).extracting(f -> f.key() + "|" + f.driftClass())
                .containsExactlyInAnyOrder("fmt:acme:large_note:1|CORRUPT", "fmt:acme:large_note:2|CORRUPT");
        assertThat(defaults.findings()).extracting(Finding::reason).allMatch(r -> r.startsWith("too-large: "));
        assertThat(defaults.remediation().plan().actions()).isEmpty();
        assertThat(defaults.remediation().plan().excluded()).extracting(Excluded::reason).containsOnly("not-compared-too-large");
    }

    @AfterEach
    void clean() throws Exception {
        clearRedis();
        try (Connection db = DriverManager.getConnection(PG, "postgres", ""); Statement s = db.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
        try (Connection db = DriverManager.getConnection(MARIADB, "root", ""); Statement s = db.createStatement()) {
            s.execute("DROP TABLE IF EXISTS cc_fmt_tenants, cc_fmt_orders, cc_fmt_lines");
        }
    }
}
