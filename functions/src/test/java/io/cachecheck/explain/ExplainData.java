package io.cachecheck.explain;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import redis.clients.jedis.Jedis;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * The explain tests' data: one key per class in every value layout (JSON, a JDK-serialised Spring cache value,
 * gzip-compressed JSON, a set, a hash, a string), in PostgreSQL schema or MariaDB database {@code cc_explain}, with
 * the values written by the writers applications use (Jackson, Spring's RedisCache defaults, java.util.zip).
 * The unique {@link #CACHED_SECRET} and {@link #SOURCE_SECRET} are values whose absence from the output is asserted.
 */
public final class ExplainData {
    public static final String DB = "cc_explain";
    public static final String CACHED_SECRET = "cached-secret-7c1f0e9a2b";
    public static final String SOURCE_SECRET = "source-secret-5d83a61c4e";
    public static final String EMAIL = "ada.lovelace@example.org";
    public static final String OLD = "2020-01-01T00:00:00Z";

    private static final ObjectMapper JACKSON = new ObjectMapper();

    /** The record Spring's default cache serialises (JdkSerializationRedisSerializer). */
    record OrderDto(long id, String status, BigDecimal total, Instant updatedAt) implements Serializable {
    }

    public final boolean postgres;

    public ExplainData(boolean postgres) {
        this.postgres = postgres;
    }

    public Connection connect() throws Exception {
        return postgres ? DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "")
                : DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/test", "root", "");
    }

    public String contract(int redisPort, long graceMillis) {
        String url = postgres ? "jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test" : "jdbc:aws-wrapper:mariadb://127.0.0.1:3306/test";
        return """
                version: 1
                cache: {url: "redis://127.0.0.1:%d"}
                source: {url: "%s", auth: {username: %s}}
                tenants: {sql: SELECT tenant_id FROM cc_explain.tenants WHERE active = TRUE}
                check: {graceMillis: %d}
                namespaces:
                %s                """.formatted(redisPort, url, postgres ? "postgres" : "root", graceMillis, namespaces());
    }

    /** The namespaces of docs/explain.md's example, as written there (the docs' contract is the one tested). */
    static String namespaces() {
        try {
            String doc = Files.readString(Path.of("../docs/explain.md"));
            int marker = doc.indexOf("<!-- explain-example-contract -->");
            int start = doc.indexOf("namespaces:\n", marker) + "namespaces:\n".length();
            int end = doc.indexOf("```", start);
            if (marker < 0 || start < marker || end < 0) {
                throw new IllegalStateException("docs/explain.md has no example contract after <!-- explain-example-contract -->");
            }
            return doc.substring(start, end);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void seed(Jedis redis) throws Exception {
        drop();
        String ts = postgres ? "timestamp(3)" : "datetime(3)";
        String now = postgres ? "(now() AT TIME ZONE 'UTC')" : "UTC_TIMESTAMP(3)";
        try (Connection db = connect(); Statement st = db.createStatement()) {
            st.execute(postgres ? "CREATE SCHEMA cc_explain" : "CREATE DATABASE cc_explain");
            st.execute("CREATE TABLE cc_explain.tenants (tenant_id varchar(64) PRIMARY KEY, active boolean NOT NULL)");
            st.execute("INSERT INTO cc_explain.tenants VALUES ('acme', TRUE), ('globex', TRUE), ('initech', FALSE)");
            st.execute("CREATE TABLE cc_explain.orders (tenant_id varchar(64), id bigint, status varchar(200), total decimal(10,2),"
                    + " updated_at " + ts + ", PRIMARY KEY (tenant_id, id))");
            st.execute("INSERT INTO cc_explain.orders VALUES"
                    + " ('acme', 1, 'shipped', 12.50, '2020-01-01 00:00:00'),"
                    + " ('acme', 2, '" + SOURCE_SECRET + "', 99.00, '2020-01-01 00:00:00'),"
                    + " ('acme', 3, 'paid', 30.00, " + now + "),"
                    + " ('acme', 4, 'new', 7.25, '2020-01-01 00:00:00')");
            st.execute("CREATE TABLE cc_explain.user_tags (tenant_id varchar(64), user_id bigint, tag varchar(64))");
            st.execute("INSERT INTO cc_explain.user_tags VALUES ('acme', 1, 'vip'), ('acme', 1, 'beta'), ('acme', 2, 'vip'),"
                    + " ('acme', 2, 'churned')");
            st.execute("CREATE TABLE cc_explain.users (tenant_id varchar(64), email varchar(200), name varchar(200))");
            st.execute("INSERT INTO cc_explain.users VALUES ('acme', '" + EMAIL + "', 'Ada Lovelace')");
            st.execute("CREATE TABLE cc_explain.stock (tenant_id varchar(64), sku varchar(64), qty integer)");
            st.execute("INSERT INTO cc_explain.stock VALUES ('acme', 'SKU-1', 5)");
        }
        redis.flushAll();
        // JSON, written by Jackson as an application would
        redis.set("ex:acme:order:1", json(order(1, "shipped", "12.5", OLD)));
        redis.set("ex:acme:order:2", json(order(2, CACHED_SECRET, "99", OLD)));           // STALE (status)
        redis.set("ex:acme:order:3", json(order(3, "new", "30", OLD)));                   // IN_FLIGHT: row written now
        redis.set("ex:acme:order:9", json(order(9, "gone", "1", OLD)));                   // ORPHAN
        redis.set("ex:acme:order:abc", json(order(0, "x", "1", OLD)));                    // PostgreSQL refuses 'abc' for bigint
        redis.set("ex:initech:order:1", json(order(1, "shipped", "12.5", OLD)));          // inactive tenant
        redis.set("ex:acme:ordr:1", json(order(1, "shipped", "12.5", OLD)));              // no pattern (typo)
        redis.set("ex:v2:acme:order:1", json(order(1, "shipped", "12.5", OLD)));          // a prefix the pattern lacks
        // Spring Boot's default RedisCache value serialisation (JDK)
        redis.set("ex:acme:jdk-order:1".getBytes(StandardCharsets.UTF_8), jdk(new OrderDto(1, "shipped", new BigDecimal("12.50"), Instant.parse(OLD))));
        redis.set("ex:acme:jdk-order:4".getBytes(StandardCharsets.UTF_8), jdk(new OrderDto(4, "new", new BigDecimal("7.20"), Instant.parse(OLD))));
        // gzip over JSON
        redis.set("ex:acme:gz-order:1".getBytes(StandardCharsets.UTF_8), gzip(json(order(1, "shipped", "12.50", OLD))));
        redis.set("ex:acme:gz-order:4", json(order(4, "new", "7.25", OLD)));              // CORRUPT: not gzip
        // a set, a hash, a string
        redis.sadd("ex:acme:user:1:tags", "vip", "beta");
        redis.sadd("ex:acme:user:2:tags", "vip");                                        // STALE: 'churned' missing
        redis.hset("ex:acme:profile:" + EMAIL, Map.of("name", "Ada Lovelace"));
        redis.set("ex:acme:stock:SKU-1", "4");                                            // STALE
    }

    public void drop() throws Exception {
        try (Connection db = connect(); Statement st = db.createStatement()) {
            st.execute(postgres ? "DROP SCHEMA IF EXISTS cc_explain CASCADE" : "DROP DATABASE IF EXISTS cc_explain");
        }
    }

    private static Map<String, Object> order(long id, String status, String total, String updatedAt) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", id);
        o.put("status", status);
        o.put("total", new BigDecimal(total));
        o.put("updatedAt", updatedAt);
        return o;
    }

    private static String json(Map<String, Object> value) {
        try {
            return JACKSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Exactly the bytes Spring's RedisCache stores with its default configuration. */
    private static byte[] jdk(Object value) {
        ByteBuffer buffer = RedisCacheConfiguration.defaultCacheConfig().getValueSerializationPair().write(value);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
