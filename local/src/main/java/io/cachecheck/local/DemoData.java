package io.cachecheck.local;

import redis.clients.jedis.Jedis;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A small multi-tenant dataset with known drift, in a PostgreSQL schema and a Redis database of its own. Seeding
 * replaces both completely, so it can run again and again.
 *
 * <p>Tenants acme, globex and initech are active, umbrella is not. Each active tenant has {@link #CUSTOMERS}
 * customers (JSON strings) and {@link #ORDERS} orders (hashes). The injected drift:
 * <ul>
 *   <li>acme customer 3: cached tier {@code gold}, database {@code silver} → STALE</li>
 *   <li>acme customer 99: cached, no row → ORPHAN</li>
 *   <li>globex order 2: a truncated string where a hash is expected → CORRUPT</li>
 *   <li>{@code demo:umbrella:customer:1} (inactive tenant) and {@code demo:misc:session:abc} (no namespace) → UNMAPPED</li>
 * </ul>
 */
public final class DemoData {
    public static final int CUSTOMERS = 5;
    public static final int ORDERS = 3;
    public static final List<String> ACTIVE = List.of("acme", "globex", "initech");
    private static final String UPDATED = "2024-03-01T10:00:00Z";

    private final String jdbcUrl;
    private final String user;
    private final String schema;
    private final URI redis;

    /**
     * @param jdbcUrl a plain PostgreSQL JDBC URL
     * @param redis   {@code redis://host:port/db}
     */
    public DemoData(String jdbcUrl, String user, String schema, URI redis) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.schema = schema;
        this.redis = redis;
    }

    public void seed() throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, null); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            s.execute("CREATE SCHEMA " + schema);
            s.execute("CREATE TABLE " + schema + ".tenants (tenant_id text PRIMARY KEY, active boolean NOT NULL)");
            s.execute("CREATE TABLE " + schema + ".customers (tenant_id text, customer_id int, tier text,"
                    + " email_verified boolean, updated_at timestamptz, PRIMARY KEY (tenant_id, customer_id))");
            s.execute("CREATE TABLE " + schema + ".orders (tenant_id text, order_id int, status text,"
                    + " total numeric(10,2), updated_at timestamptz, PRIMARY KEY (tenant_id, order_id))");
            s.execute("INSERT INTO " + schema + ".tenants VALUES ('acme', true), ('globex', true), ('initech', true),"
                    + " ('umbrella', false)");
            for (String t : ACTIVE) {
                for (int i = 1; i <= CUSTOMERS; i++) {
                    s.execute("INSERT INTO " + schema + ".customers VALUES ('" + t + "', " + i + ", '" + tier(t, i, false)
                            + "', " + (i % 2 == 0) + ", '" + UPDATED + "')");
                }
                for (int i = 1; i <= ORDERS; i++) {
                    s.execute("INSERT INTO " + schema + ".orders VALUES ('" + t + "', " + i + ", 'shipped', " + (10 * i)
                            + ".50, '" + UPDATED + "')");
                }
            }
        }
        try (Jedis jedis = new Jedis(redis)) {
            jedis.flushDB();
            for (String t : ACTIVE) {
                for (int i = 1; i <= CUSTOMERS; i++) {
                    jedis.set("demo:" + t + ":customer:" + i, customerJson(tier(t, i, true), i % 2 == 0));
                }
                for (int i = 1; i <= ORDERS; i++) {
                    String key = "demo:" + t + ":order:" + i;
                    if (t.equals("globex") && i == 2) {
                        jedis.set(key, "{\"status\":");   // wrong Redis type and truncated: CORRUPT
                    } else {
                        jedis.hset(key, java.util.Map.of("status", "shipped", "total", (10 * i) + ".5", "updatedAt", UPDATED));
                    }
                }
            }
            jedis.set("demo:acme:customer:99", customerJson("gold", true));
            jedis.set("demo:umbrella:customer:1", customerJson("gold", true));
            jedis.set("demo:misc:session:abc", "x");
        }
    }

    private static String tier(String tenant, int customer, boolean cached) {
        if (tenant.equals("acme") && customer == 3) {
            return cached ? "gold" : "silver";
        }
        return customer % 3 == 0 ? "gold" : "silver";
    }

    private static String customerJson(String tier, boolean verified) {
        return "{\"tier\":\"" + tier + "\",\"emailVerified\":" + verified + ",\"updatedAt\":\"" + UPDATED
                + "\",\"cachedAt\":\"2024-03-01T10:00:05Z\"}";
    }

    /** Removes the schema and empties the Redis database. */
    public void drop() throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, null); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
        try (Jedis jedis = new Jedis(redis)) {
            jedis.flushDB();
        }
    }
}
