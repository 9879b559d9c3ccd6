package io.cachecheck.testing;

import io.cachecheck.check.DriftClass;
import redis.clients.jedis.UnifiedJedis;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A multi-tenant dataset with every drift class injected at known keys, in PostgreSQL or MariaDB and in Redis.
 * Consistent entries are written with deliberately different spellings (numbers, timestamps, booleans, Unicode,
 * null vs absent, ignored fields) so that canonicalisation is tested end to end: none of them may be reported.
 */
public final class DriftDataset {
    public static final List<String> TENANTS = List.of("acme", "globex", "initech", "umbrella");
    public static final int ORDERS = 30;
    public static final int PROFILES = 10;
    public static final int FLAGS = 5;
    public static final int MAX_VALUE_BYTES = 65_536;

    /** One expected finding: exact tenant, namespace, key and class. */
    public record Expected(String tenant, String namespace, String key, DriftClass driftClass) {
    }

    private final String schema;
    private final boolean postgres;
    private final String prefix;
    private final Set<Expected> expected = new LinkedHashSet<>();
    private final Map<String, Long> extraKeysPerTenant = new HashMap<>();

    public DriftDataset(String schema, boolean postgres, String prefix) {
        this.schema = schema;
        this.postgres = postgres;
        this.prefix = prefix;
    }

    public Set<Expected> expected() {
        return expected;
    }

    public String prefix() {
        return prefix;
    }

    /** The contract for this dataset. */
    public String contract(String redisUrl, String jdbcUrl, boolean cluster, String extraCheck) {
        return """
                version: 1
                cache:
                  url: "%s"
                  mode: %s
                source:
                  url: "%s"
                  auth:
                    username: %s
                tenants:
                  sql: SELECT tenant_id FROM %s.tenants WHERE active = TRUE ORDER BY tenant_id
                  shardCount: 2
                check:
                %s
                namespaces:
                  - name: order
                    keyPattern: "%st:{tenant_id}:order:{order_id}"
                    valueType: json
                    sql: >
                      SELECT order_id, status, total, paid, note, customer, updated_at FROM %s.orders
                      WHERE tenant_id = :tenant_id AND order_id IN (:order_id)
                    fields: {status: status, total: total, paid: paid, note: note, customer: customer, updatedAt: updated_at}
                    ignore: [cached_at]
                    version: {field: updatedAt, column: updated_at}
                  - name: profile
                    keyPattern: "%st:{tenant_id}:profile:{user_id}"
                    valueType: hash
                    sql: SELECT user_id, name, email, seen_at FROM %s.profiles WHERE tenant_id = :tenant_id AND user_id IN (:user_id)
                    fields: {name: name, email: email, seen: seen_at}
                  - name: flag
                    keyPattern: "%st:{tenant_id}:flag:{flag}"
                    valueType: string
                    sql: SELECT flag, value FROM %s.flags WHERE tenant_id = :tenant_id AND flag IN (:flag)
                    column: value
                """.formatted(redisUrl, cluster ? "cluster" : "standalone", jdbcUrl, postgres ? "postgres" : "root", schema,
                checkSection(extraCheck), prefix, schema, prefix, schema, prefix, schema);
    }

    /** The check settings of the tests, with {@code overrides} ("  key: value" lines) replacing defaults. */
    private static String checkSection(String overrides) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("graceMillis", "0");
        settings.put("batchSize", "16");
        settings.put("scanCount", "50");
        settings.put("maxValueBytes", Integer.toString(MAX_VALUE_BYTES));
        settings.put("retryBackoffMillis", "20");
        if (overrides != null) {
            for (String line : overrides.split("\n")) {
                if (!line.isBlank()) {
                    String[] kv = line.trim().split(":\\s*", 2);
                    settings.put(kv[0], kv[1]);
                }
            }
        }
        StringBuilder out = new StringBuilder();
        settings.forEach((k, v) -> out.append("  ").append(k).append(": ").append(v).append('\n'));
        return out.toString();
    }

    public void createSchema(Connection db) throws SQLException {
        try (Statement st = db.createStatement()) {
            if (postgres) {
                st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                st.execute("CREATE SCHEMA " + schema);
            } else {
                st.execute("DROP DATABASE IF EXISTS " + schema);
                st.execute("CREATE DATABASE " + schema);
            }
            String ts = postgres ? "timestamptz(6)" : "DATETIME(6)";
            String ts3 = postgres ? "timestamp(3)" : "DATETIME(3)";
            String bool = postgres ? "boolean" : "BOOLEAN";
            String text = postgres ? "text" : "VARCHAR(200)";
            st.execute("CREATE TABLE " + schema + ".tenants (tenant_id VARCHAR(64) PRIMARY KEY, active " + bool + " NOT NULL)");
            st.execute("CREATE TABLE " + schema + ".orders (tenant_id VARCHAR(64), order_id BIGINT, status " + text + ", total NUMERIC(12,2), paid "
                    + bool + ", note " + text + ", customer " + text + ", updated_at " + ts + ", PRIMARY KEY (tenant_id, order_id))");
            st.execute("CREATE TABLE " + schema + ".profiles (tenant_id VARCHAR(64), user_id VARCHAR(64), name " + text + ", email " + text
                    + ", seen_at " + ts3 + ", PRIMARY KEY (tenant_id, user_id))");
            st.execute("CREATE TABLE " + schema + ".flags (tenant_id VARCHAR(64), flag VARCHAR(64), value " + text + ", PRIMARY KEY (tenant_id, flag))");
        }
    }

    public void dropSchema(Connection db) throws SQLException {
        try (Statement st = db.createStatement()) {
            st.execute(postgres ? "DROP SCHEMA IF EXISTS " + schema + " CASCADE" : "DROP DATABASE IF EXISTS " + schema);
        }
    }

    static Instant updatedAt(int tenant, int order) {
        return Instant.parse("2024-05-01T08:00:00Z").plusSeconds(tenant * 1000L + order * 7L).plusNanos(123_456_000L);
    }

    static String status(int order) {
        return order % 3 == 0 ? "pending" : order % 3 == 1 ? "paid" : "shipped";
    }

    static String total(int order) {
        return (order * 10 + 5) + "." + (order % 2 == 0 ? "00" : "50");
    }

    /** Seeds the database and the cache, and records the expected findings. */
    public void seed(Connection db, UnifiedJedis redis) throws SQLException {
        createSchema(db);
        try (PreparedStatement t = db.prepareStatement("INSERT INTO " + schema + ".tenants VALUES (?, ?)")) {
            for (String tenant : TENANTS) {
                t.setString(1, tenant);
                t.setBoolean(2, true);
                t.addBatch();
            }
            t.setString(1, "hooli");
            t.setBoolean(2, false);
            t.addBatch();
            t.executeBatch();
        }
        try (PreparedStatement o = db.prepareStatement("INSERT INTO " + schema + ".orders VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement p = db.prepareStatement("INSERT INTO " + schema + ".profiles VALUES (?, ?, ?, ?, ?)");
             PreparedStatement f = db.prepareStatement("INSERT INTO " + schema + ".flags VALUES (?, ?, ?)")) {
            for (int ti = 0; ti < TENANTS.size(); ti++) {
                String tenant = TENANTS.get(ti);
                for (int i = 1; i <= ORDERS; i++) {
                    addOrderRow(o, ti, i);
                }
                for (int u = 1; u <= PROFILES; u++) {
                    p.setString(1, tenant);
                    p.setString(2, "u" + u);
                    p.setString(3, "User " + u);
                    p.setString(4, "u" + u + "@" + tenant + ".example");
                    p.setObject(5, java.time.LocalDateTime.ofInstant(updatedAt(ti, u).minusNanos(456_000L), ZoneOffset.UTC));
                    p.addBatch();
                }
                for (int k = 1; k <= FLAGS; k++) {
                    f.setString(1, tenant);
                    f.setString(2, "f" + k);
                    f.setString(3, k % 2 == 0 ? "on" : "off");
                    f.addBatch();
                }
            }
            o.executeBatch();
            p.executeBatch();
            f.executeBatch();
        }
        for (int ti = 0; ti < TENANTS.size(); ti++) {
            String tenant = TENANTS.get(ti);
            for (int i = 1; i <= ORDERS; i++) {
                redis.set(key(tenant, "order", i), orderJson(ti, i, null).getBytes(StandardCharsets.UTF_8));
            }
            for (int u = 1; u <= PROFILES; u++) {
                redis.hset(bytes(prefix + "t:" + tenant + ":profile:u" + u), profileHash(ti, u, null));
            }
            for (int k = 1; k <= FLAGS; k++) {
                redis.set(bytes(prefix + "t:" + tenant + ":flag:f" + k), bytes(k % 2 == 0 ? "on" : "off"));
            }
        }
        injectDrift(redis);
    }

    private void addOrderRow(PreparedStatement o, int ti, int i) throws SQLException {
        o.setString(1, TENANTS.get(ti));
        o.setLong(2, i);
        o.setString(3, status(i));
        o.setBigDecimal(4, new java.math.BigDecimal(total(i)));
        o.setBoolean(5, i % 2 == 0);
        o.setString(6, i % 4 == 0 ? null : "note " + i);
        o.setString(7, i % 5 == 0 ? "Jose\u0301 Ñúñez" : "customer " + i);
        if (postgres) {
            o.setObject(8, updatedAt(ti, i).atOffset(ZoneOffset.UTC));
        } else {
            o.setObject(8, java.time.LocalDateTime.ofInstant(updatedAt(ti, i), ZoneOffset.UTC));
        }
        o.addBatch();
    }

    /**
     * Adds {@code perTenant} more consistent orders to every tenant, in the database and in the cache (ids from
     * 10001), so that a scan takes many pages; {@link #keysChecked} counts them.
     */
    public void addOrders(Connection db, UnifiedJedis redis, int perTenant) throws SQLException {
        try (PreparedStatement o = db.prepareStatement("INSERT INTO " + schema + ".orders VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int ti = 0; ti < TENANTS.size(); ti++) {
                for (int i = 10_001; i <= 10_000 + perTenant; i++) {
                    addOrderRow(o, ti, i);
                }
            }
            o.executeBatch();
        }
        for (int ti = 0; ti < TENANTS.size(); ti++) {
            String tenant = TENANTS.get(ti);
            for (int i = 10_001; i <= 10_000 + perTenant; i++) {
                redis.set(key(tenant, "order", i), orderJson(ti, i, null).getBytes(StandardCharsets.UTF_8));
            }
            extraKeysPerTenant.merge(tenant + "/order", (long) perTenant, Long::sum);
        }
    }

    private void injectDrift(UnifiedJedis redis) {
        // STALE
        redis.set(key("acme", "order", 3), orderJson(0, 3, Map.of("status", "\"shipped\"")).getBytes(StandardCharsets.UTF_8));
        expect("acme", "order", "order:3", DriftClass.STALE);
        redis.set(key("globex", "order", 5), orderJson(1, 5, Map.of("total", "99.99")).getBytes(StandardCharsets.UTF_8));
        expect("globex", "order", "order:5", DriftClass.STALE);
        redis.hset(bytes(prefix + "t:initech:profile:u2"), profileHash(2, 2, "someone.else@initech.example"));
        expect("initech", "profile", "profile:u2", DriftClass.STALE);
        redis.set(bytes(prefix + "t:umbrella:flag:f1"), bytes("on"));
        expect("umbrella", "flag", "flag:f1", DriftClass.STALE);
        // ORPHAN
        redis.set(key("acme", "order", 1000), orderJson(0, 1000, null).getBytes(StandardCharsets.UTF_8));
        expect("acme", "order", "order:1000", DriftClass.ORPHAN);
        redis.hset(bytes(prefix + "t:globex:profile:u99"), profileHash(1, 99, null));
        expect("globex", "profile", "profile:u99", DriftClass.ORPHAN);
        // CORRUPT
        redis.set(key("acme", "order", 7), bytes("{\"status\": \"paid\", \"total\": "));
        expect("acme", "order", "order:7", DriftClass.CORRUPT);
        redis.set(key("globex", "order", 8), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, (byte) 0xff});
        expect("globex", "order", "order:8", DriftClass.CORRUPT);
        redis.del(key("initech", "order", 9));
        redis.hset(key("initech", "order", 9), Map.of(bytes("status"), bytes("paid")));
        expect("initech", "order", "order:9", DriftClass.CORRUPT);
        redis.set(key("initech", "order", 10), bytes("{\"status\":\"" + "x".repeat(MAX_VALUE_BYTES + 10) + "\"}"));
        expect("initech", "order", "order:10", DriftClass.CORRUPT);
        redis.set(key("umbrella", "order", 11), orderJson(3, 11, Map.of("internal_margin", "0.3")).getBytes(StandardCharsets.UTF_8));
        expect("umbrella", "order", "order:11", DriftClass.CORRUPT);
        redis.del(bytes(prefix + "t:acme:profile:u3"));
        redis.set(bytes(prefix + "t:acme:profile:u3"), bytes("User 3"));
        expect("acme", "profile", "profile:u3", DriftClass.CORRUPT);
        // UNMAPPED: no namespace, an invalid-UTF-8 tenant, an inactive tenant, an unknown tenant
        redis.set(bytes(prefix + "junk:1"), bytes("x"));
        expectUnmapped(null, prefix + "junk:1");
        byte[] odd = concat(bytes(prefix + "t:"), new byte[] {(byte) 0xff, (byte) 0xfe}, bytes(":order:1"));
        redis.set(odd, bytes("{}"));
        expectUnmapped(null, prefix + "t:\\xff\\xfe:order:1");
        redis.set(key("hooli", "order", 1), bytes("{}"));
        expectUnmapped("hooli", prefix + "t:hooli:order:1");
        redis.set(bytes(prefix + "t:nobody:flag:f1"), bytes("on"));
        expectUnmapped("nobody", prefix + "t:nobody:flag:f1");
    }

    private void expect(String tenant, String namespace, String suffix, DriftClass c) {
        expected.add(new Expected(tenant, namespace, prefix + "t:" + tenant + ":" + suffix, c));
    }

    private void expectUnmapped(String tenant, String key) {
        expected.add(new Expected(tenant, null, key, DriftClass.UNMAPPED));
    }

    public byte[] key(String tenant, String namespace, int id) {
        return bytes(prefix + "t:" + tenant + ":" + namespace + ":" + id);
    }

    /** The cached JSON for an order, spelled in one of several equivalent ways; {@code override} replaces raw fields. */
    public static String orderJson(int tenant, int i, Map<String, String> override) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("status", "\"" + status(i) + "\"");
        String total = total(i);
        f.put("total", switch (i % 4) {
            case 0 -> total;
            case 1 -> "\"" + total + "\"";
            case 2 -> new java.math.BigDecimal(total).movePointLeft(1).toPlainString() + "e1";
            default -> new java.math.BigDecimal(total).stripTrailingZeros().toPlainString();
        });
        f.put("paid", switch (i % 3) {
            case 0 -> i % 2 == 0 ? "true" : "false";
            case 1 -> i % 2 == 0 ? "1" : "0";
            default -> i % 2 == 0 ? "\"t\"" : "\"f\"";
        });
        if (i % 4 != 0) {
            f.put("note", "\"note " + i + "\"");
        } else if (i % 8 == 0) {
            f.put("note", "null");
        }
        f.put("customer", i % 5 == 0 ? "\"Jos\u00e9 N\u0303u\u0301n\u0303ez\"" : "\"customer " + i + "\"");
        Instant at = updatedAt(tenant, i);
        f.put("updatedAt", i % 2 == 0
                ? "\"" + DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.ofHours(2)).format(at) + "\""
                : "\"" + DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC).format(at) + "\"");
        f.put("cached_at", Long.toString(System.nanoTime()));
        if (override != null) {
            f.putAll(override);
        }
        StringBuilder out = new StringBuilder("{");
        f.forEach((k, v) -> out.append(out.length() == 1 ? "" : ",").append('"').append(k).append("\":").append(v));
        return out.append('}').toString();
    }

    static Map<byte[], byte[]> profileHash(int tenant, int u, String email) {
        Map<byte[], byte[]> m = new HashMap<>();
        m.put(bytes("name"), bytes("User " + u));
        m.put(bytes("email"), bytes(email != null ? email : "u" + u + "@" + TENANTS.get(tenant) + ".example"));
        m.put(bytes("seen"), bytes(Long.toString(updatedAt(tenant, u).minusNanos(456_000L).toEpochMilli())));
        return m;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int pos = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }

    /** Keys per (tenant, namespace) the validator must classify. */
    public long keysChecked(String tenant, String namespace) {
        long extra = expected.stream().filter(e -> tenant.equals(e.tenant()) && namespace.equals(e.namespace())
                && e.driftClass() == DriftClass.ORPHAN).count();
        return switch (namespace) {
            case "order" -> ORDERS + extra;
            case "profile" -> PROFILES + extra;
            default -> FLAGS + extra;
        } + extraKeysPerTenant.getOrDefault(tenant + "/" + namespace, 0L);
    }
}
