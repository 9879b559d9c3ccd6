package io.cachecheck.testing;

import redis.clients.jedis.UnifiedJedis;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Sets, sorted sets and lists cached from multi-row queries, in PostgreSQL (a schema of its own, reached through
 * {@code currentSchema}) or MariaDB (a database of its own) and in a Redis database of the test's own, with known
 * drift injected. The namespaces are the snippets of docs/contract.md's "Collections" section, as written there.
 *
 * <p>Traps that must stay CONSISTENT: sets written in another order than the rows, integer members cached as text
 * ({@code "7"} against 7), duplicate rows for a set, a member cached in NFD against NFC text, a list that holds a
 * member twice, scores {@code 12.5} against {@code 12.50}, and zset members with equal scores that the query returns in
 * another order than Redis does. A user without tags has no cached key at all (Redis holds no empty set).
 */
public final class CollectionDataset {
    public static final List<String> TENANTS = List.of("acme", "globex");

    private final String schema;
    private final boolean postgres;
    /** "tenant|namespace|key|CLASS|reason" of every injected finding. */
    private final Set<String> expected = new LinkedHashSet<>();
    /** Keys written per "tenant/namespace" (the keys the check must classify). */
    private final Map<String, Integer> keys = new TreeMap<>();

    public CollectionDataset(String schema, boolean postgres) {
        this.schema = schema;
        this.postgres = postgres;
    }

    public Set<String> expected() {
        return expected;
    }

    /** Keys the check must classify per "tenant/namespace". */
    public Map<String, Integer> keysPerGroup() {
        return keys;
    }

    /** The fenced yaml blocks of the "Collections" section of docs/contract.md, each a namespace entry. */
    public static List<String> docSnippets(Path contractMd) throws IOException {
        String doc = Files.readString(contractMd);
        int start = doc.indexOf("\n## Collections\n");
        if (start < 0) {
            throw new IllegalStateException(contractMd + " has no \"## Collections\" section");
        }
        int end = doc.indexOf("\n## ", start + 5);
        String section = doc.substring(start, end < 0 ? doc.length() : end);
        List<String> out = new ArrayList<>();
        int from = 0;
        while ((from = section.indexOf("```yaml\n", from)) >= 0) {
            int close = section.indexOf("```", from + 8);
            out.add(section.substring(from + 8, close));
            from = close + 3;
        }
        return out;
    }

    /** The JDBC URL (without the wrapper prefix) of the dataset's own schema or database. */
    public String jdbcUrl() {
        return postgres ? "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + schema
                : "jdbc:mariadb://127.0.0.1:3306/" + schema;
    }

    /** The database user of the local service. */
    public String user() {
        return postgres ? "postgres" : "root";
    }

    /** A contract with the given namespace entries, checking {@code redisUrl} against the dataset's database. */
    public String contract(String redisUrl, List<String> namespaces, String checkSettings) {
        return contract(redisUrl, false, namespaces, checkSettings);
    }

    /** As above, for a Redis Cluster when {@code cluster}. */
    public String contract(String redisUrl, boolean cluster, List<String> namespaces, String checkSettings) {
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
                  sql: SELECT tenant_id FROM tenants WHERE active = TRUE ORDER BY tenant_id
                check:
                %s
                namespaces:
                %s""".formatted(redisUrl, cluster ? "cluster" : "standalone", jdbcUrl().replace("jdbc:", "jdbc:aws-wrapper:"), user(),
                checkSection(checkSettings), String.join("", namespaces));
    }

    /** The tests' check settings, with {@code overrides} ("key: value" lines) replacing them. */
    private static String checkSection(String overrides) {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put("graceMillis", "0");
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
        settings.forEach((k, v) -> out.append(out.length() == 0 ? "" : "\n").append("  ").append(k).append(": ").append(v));
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
            String id = "VARCHAR(64)";
            String text = postgres ? "text" : "VARCHAR(200)";
            String ts = postgres ? "timestamp(3)" : "DATETIME(3)";
            st.execute("CREATE TABLE " + schema + ".tenants (tenant_id " + id + " PRIMARY KEY, active BOOLEAN NOT NULL)");
            // no primary key: the same role twice is a duplicate row the set must collapse
            st.execute("CREATE TABLE " + schema + ".user_roles (tenant_id " + id + ", user_id BIGINT, role_id INTEGER)");
            st.execute("CREATE TABLE " + schema + ".users (tenant_id " + id + ", user_id BIGINT, PRIMARY KEY (tenant_id, user_id))");
            st.execute("CREATE TABLE " + schema + ".user_tags (tenant_id " + id + ", user_id BIGINT, tag " + text + ")");
            st.execute("CREATE TABLE " + schema + ".recent_views (tenant_id " + id + ", user_id BIGINT, product_id " + id
                    + ", viewed_at " + ts + ")");
            st.execute("CREATE TABLE " + schema + ".scores (tenant_id " + id + ", board_id " + id + ", player " + id
                    + ", points NUMERIC(12,2))");
            st.execute("CREATE TABLE " + schema + ".jobs (tenant_id " + id + ", queue_id " + id + ", job_id " + id
                    + ", priority INTEGER)");
        }
    }

    public void dropSchema(Connection db) throws SQLException {
        try (Statement st = db.createStatement()) {
            st.execute(postgres ? "DROP SCHEMA IF EXISTS " + schema + " CASCADE" : "DROP DATABASE IF EXISTS " + schema);
        }
    }

    /** Roles of a user: its own id, 7 (every user has it) and one per tenant. */
    static List<Integer> roles(int tenant, int user) {
        return List.of(user, 7, 20 + tenant);
    }

    /** Products a user viewed, oldest first; the first is viewed again last, so the list holds it twice. */
    static List<String> views(int user) {
        return List.of("p" + user + "a", "p" + user + "b", "p" + user + "c", "p" + user + "a");
    }

    static final List<String> PLAYERS = List.of("alice", "bob", "carol");
    static final List<String> POINTS = List.of("12.50", "7.00", "100.25");

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
        for (int ti = 0; ti < TENANTS.size(); ti++) {
            seedTenant(db, redis, ti);
        }
        injectDrift(db, redis);
    }

    private void seedTenant(Connection db, UnifiedJedis redis, int ti) throws SQLException {
        String tenant = TENANTS.get(ti);
        try (PreparedStatement r = db.prepareStatement("INSERT INTO " + schema + ".user_roles VALUES (?, ?, ?)");
             PreparedStatement u = db.prepareStatement("INSERT INTO " + schema + ".users VALUES (?, ?)");
             PreparedStatement g = db.prepareStatement("INSERT INTO " + schema + ".user_tags VALUES (?, ?, ?)");
             PreparedStatement v = db.prepareStatement("INSERT INTO " + schema + ".recent_views VALUES (?, ?, ?, ?)");
             PreparedStatement s = db.prepareStatement("INSERT INTO " + schema + ".scores VALUES (?, ?, ?, ?)");
             PreparedStatement j = db.prepareStatement("INSERT INTO " + schema + ".jobs VALUES (?, ?, ?, ?)")) {
            for (int user = 1; user <= 6; user++) {
                List<Integer> roles = new ArrayList<>(roles(ti, user));
                if (user == 4) {
                    roles.add(7); // a duplicate row: the cached set holds 7 once
                }
                for (int role : roles) {
                    r.setString(1, tenant);
                    r.setLong(2, user);
                    r.setInt(3, role);
                    r.addBatch();
                }
                List<String> cached = new ArrayList<>();
                roles(ti, user).forEach(role -> cached.add(Integer.toString(role)));
                java.util.Collections.reverse(cached); // added in another order than the rows come
                sadd(redis, tenant, "user_roles", "t:" + tenant + ":user:" + user + ":roles", cached);

                u.setString(1, tenant);
                u.setLong(2, user);
                u.addBatch();
                if (user <= 5) { // user 6 has no tags: no rows in user_tags, and no cached key
                    for (String tag : List.of("blue", "caf\u00e9")) {
                        g.setString(1, tenant);
                        g.setLong(2, user);
                        g.setString(3, tag);
                        g.addBatch();
                    }
                    // user 5's cache wrote the tag decomposed (NFD): equal after NFC
                    sadd(redis, tenant, "user_tags", "t:" + tenant + ":user:" + user + ":tags",
                            List.of(user == 5 ? "cafe\u0301" : "caf\u00e9", "blue"));
                }
                if (user <= 4) {
                    List<String> views = views(user);
                    LocalDateTime at = LocalDateTime.of(2024, 5, 1, 8, 0).plusHours(ti);
                    for (int k = 0; k < views.size(); k++) {
                        v.setString(1, tenant);
                        v.setLong(2, user);
                        v.setString(3, views.get(k));
                        v.setObject(4, at.plusMinutes(k));
                        v.addBatch();
                    }
                    List<String> newestFirst = new ArrayList<>(views);
                    java.util.Collections.reverse(newestFirst);
                    rpush(redis, tenant, "recent_views", "t:" + tenant + ":user:" + user + ":recent", newestFirst);
                }
            }
            for (int b = 1; b <= 3; b++) {
                Map<String, Double> cached = new java.util.LinkedHashMap<>();
                for (int p = 0; p < PLAYERS.size(); p++) {
                    BigDecimal points = new BigDecimal(POINTS.get(p)).add(BigDecimal.valueOf(b + ti));
                    s.setString(1, tenant);
                    s.setString(2, "b" + b);
                    s.setString(3, PLAYERS.get(p));
                    s.setBigDecimal(4, points);
                    s.addBatch();
                    cached.put(PLAYERS.get(p), points.doubleValue()); // 13.5 for the row's 13.50
                }
                zadd(redis, tenant, "leaderboard", "t:" + tenant + ":board:b" + b, cached);
            }
            for (int q = 1; q <= 2; q++) {
                // j3 is inserted before j2, both of priority 2: the query may return them in either order
                String[][] jobs = {{"j1", "1"}, {"j3", "2"}, {"j2", "2"}, {"j4", "5"}};
                Map<String, Double> cached = new java.util.LinkedHashMap<>();
                for (String[] job : jobs) {
                    j.setString(1, tenant);
                    j.setString(2, "q" + q);
                    j.setString(3, job[0]);
                    j.setInt(4, Integer.parseInt(job[1]));
                    j.addBatch();
                    cached.put(job[0], Double.parseDouble(job[1]));
                }
                zadd(redis, tenant, "job_queue", "t:" + tenant + ":queue:q" + q, cached);
            }
            r.executeBatch();
            u.executeBatch();
            g.executeBatch();
            v.executeBatch();
            s.executeBatch();
            j.executeBatch();
        }
    }

    private void injectDrift(Connection db, UnifiedJedis redis) throws SQLException {
        // STALE: a member missing, an extra member, both (the count, never the value, is reported)
        redis.srem("t:acme:user:2:roles", "7");
        expect("acme", "user_roles", "t:acme:user:2:roles", "STALE", "members-differ: 1 missing, 0 extra");
        redis.sadd("t:globex:user:3:roles", "99");
        expect("globex", "user_roles", "t:globex:user:3:roles", "STALE", "members-differ: 0 missing, 1 extra");
        redis.del("t:acme:user:5:roles");
        redis.sadd("t:acme:user:5:roles", "7", "50");
        expect("acme", "user_roles", "t:acme:user:5:roles", "STALE", "members-differ: 2 missing, 1 extra");
        // STALE: tags cached for a user who has none (the LEFT JOIN's NULL row: the user exists, with no tags)
        sadd(redis, "acme", "user_tags", "t:acme:user:6:tags", List.of("red"));
        expect("acme", "user_tags", "t:acme:user:6:tags", "STALE", "members-differ: 0 missing, 1 extra");
        // STALE: a list out of order
        redis.del("t:globex:user:1:recent");
        redis.rpush("t:globex:user:1:recent", "p1a", "p1b", "p1c", "p1a");
        expect("globex", "recent_views", "t:globex:user:1:recent", "STALE", "order-differs: 2 of 4 positions");
        // STALE: a score changed, and a player replaced
        redis.zadd("t:acme:board:b2", 9.5, "bob");
        expect("acme", "leaderboard", "t:acme:board:b2", "STALE", "scores-differ: 1 member");
        redis.zrem("t:globex:board:b1", "carol");
        redis.zadd("t:globex:board:b1", 1.0, "dave");
        expect("globex", "leaderboard", "t:globex:board:b1", "STALE", "members-differ: 1 missing, 1 extra");
        // STALE: a job's priority changed in the database; the cached scores now order the rows wrongly
        try (Statement st = db.createStatement()) {
            st.execute("UPDATE " + schema + ".jobs SET priority = 0 WHERE tenant_id = 'globex' AND queue_id = 'q1' AND job_id = 'j4'");
        }
        expect("globex", "job_queue", "t:globex:queue:q1", "STALE", "order-differs: 3 of 4 members out of score order");
        // ORPHAN: no rows at all for the key
        sadd(redis, "acme", "user_roles", "t:acme:user:99:roles", List.of("1", "7"));
        expect("acme", "user_roles", "t:acme:user:99:roles", "ORPHAN", "row-missing");
        sadd(redis, "acme", "user_tags", "t:acme:user:99:tags", List.of("blue"));
        expect("acme", "user_tags", "t:acme:user:99:tags", "ORPHAN", "row-missing");
        zadd(redis, "globex", "leaderboard", "t:globex:board:b9", Map.of("alice", 1.0));
        expect("globex", "leaderboard", "t:globex:board:b9", "ORPHAN", "row-missing");
        // CORRUPT: a key of another Redis type than the namespace declares
        redis.del("t:acme:user:1:roles");
        redis.set("t:acme:user:1:roles", "1,7,20");
        expect("acme", "user_roles", "t:acme:user:1:roles", "CORRUPT", "wrong-type: expected set");
        redis.del("t:globex:user:2:recent");
        redis.sadd("t:globex:user:2:recent", "p2a", "p2b", "p2c");
        expect("globex", "recent_views", "t:globex:user:2:recent", "CORRUPT", "wrong-type: expected list");
    }

    private void expect(String tenant, String namespace, String key, String driftClass, String reason) {
        expected.add(tenant + "|" + namespace + "|" + key + "|" + driftClass + "|" + reason);
    }

    private void counted(String tenant, String namespace) {
        keys.merge(tenant + "/" + namespace, 1, Integer::sum);
    }

    private void sadd(UnifiedJedis redis, String tenant, String namespace, String key, List<String> members) {
        redis.sadd(key, members.toArray(new String[0]));
        counted(tenant, namespace);
    }

    private void rpush(UnifiedJedis redis, String tenant, String namespace, String key, List<String> members) {
        redis.rpush(key, members.toArray(new String[0]));
        counted(tenant, namespace);
    }

    private void zadd(UnifiedJedis redis, String tenant, String namespace, String key, Map<String, Double> scores) {
        redis.zadd(key, scores);
        counted(tenant, namespace);
    }
}
