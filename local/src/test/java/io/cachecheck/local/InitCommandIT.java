package io.cachecheck.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachecheck.audit.AuditLog;
import io.cachecheck.check.DriftClass;
import io.cachecheck.local.cli.CacheCheckCli;
import io.cachecheck.local.spring.Order;
import io.cachecheck.testing.RedisClusterProcess;
import io.cachecheck.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code cachecheck init} on three datasets, each followed by the real {@code validate} of the draft exactly as init
 * wrote it (no edit): the demo dataset ({@link DemoData}), the benchmark generator's ({@code io.cachecheck.bench.Generate}
 * at a small size), and one with plain JSON, a hash and Spring's JDK serialisation (written by spring-data-redis' own
 * serialiser). The only findings must be the drift each dataset seeds, found exactly.
 *
 * <p>Each case has its own throw-away Redis (RedisServerProcess) and PostgreSQL schema cc_init_* (the benchmark one
 * its own database cc_init_bench, since the generator's schema name is fixed).
 */
class InitCommandIT {
    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String MARIADB = "jdbc:mariadb://127.0.0.1:3306/test";
    private static RedisServerProcess redis;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServerProcess.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        try (Connection c = DriverManager.getConnection(PG, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS cc_init_demo CASCADE");
            s.execute("DROP SCHEMA IF EXISTS cc_init_mixed CASCADE");
            s.execute("DROP SCHEMA IF EXISTS cc_init_cluster CASCADE");
            s.execute("DROP DATABASE IF EXISTS cc_init_bench");
        }
        try (Connection c = DriverManager.getConnection(MARIADB, "root", ""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS cc_init_maria");
        }
        redis.close();
    }

    record Cli(int code, String out, String err) {
    }

    private static Cli cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new CacheCheckCli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(args);
        return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Cli init(int db, String source, String schema, Path contract, String... more) {
        List<String> args = new ArrayList<>(List.of("init", "--cache", "redis://127.0.0.1:" + redis.port() + "/" + db,
                "--source", source, "--source-user", "postgres", "--schema", schema, "--out", contract.toString()));
        args.addAll(List.of(more));
        return cli(args.toArray(new String[0]));
    }

    private AuditLog validate(Path contract, String runId) throws Exception {
        Path out = dir.resolve("out-" + runId);
        Cli run = cli("validate", "--contract", contract.toString(), "--out", out.toString(), "--quiet", "--run-id", runId,
                "--baseline", "none");
        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(CacheCheckCli.DRIFT);
        return Json.read(out.resolve("audit/" + runId + ".json"));
    }

    /** The audit log, read without the demo's seeded-value check (each case checks its own values). */
    private static final class Json {
        static AuditLog read(Path file) throws Exception {
            return io.cachecheck.workflow.Json.MAPPER.readValue(Files.readString(file), AuditLog.class);
        }
    }

    /** The draft docs/init.md shows, after its marker. */
    private static String docsDraft() throws Exception {
        String doc = Files.readString(Path.of("../docs/init.md"));
        String start = "<!-- init-demo-draft -->\n```yaml\n";
        int from = doc.indexOf(start) + start.length();
        return doc.substring(from, doc.indexOf("```\n", from));
    }

    private static List<String> findings(AuditLog log) {
        return log.findings().stream().map(f -> f.tenant() + "|" + f.namespace() + "|" + f.key() + "|" + f.driftClass()).toList();
    }

    @Test
    void init_onTheDemoData_writesAContractThatFindsExactlyTheSeededDrift() throws Exception {
        new DemoData(PG, "postgres", "cc_init_demo", URI.create("redis://127.0.0.1:" + redis.port() + "/1")).seed();
        Path contract = dir.resolve("demo.yaml");

        Cli init = init(1, PG, "cc_init_demo", contract);

        assertThat(init.code()).as(init.out() + init.err()).isEqualTo(0);
        String draft = Files.readString(contract);
        assertThat(init.out()).as(draft).contains(
                "Wrote " + contract + ": 2 namespaces, 0 commented out with a TODO(init), 1 sampled key in no namespace",
                "customer: 16 sampled keys checked, 15 found a row, 14 compared equal; 1 more of a tenant not in tenants.sql",
                "order: 9 sampled keys checked, 9 found a row, 8 compared equal, 1 undecodable");
        assertThat(draft).contains(
                "keyPattern: \"demo:{tenant_id}:customer:{customer_id}\"",
                "keyPattern: \"demo:{tenant_id}:order:{order_id}\"",
                "sql: \"SELECT tenant_id FROM cc_init_demo.tenants WHERE active ORDER BY tenant_id\"",
                "\"emailVerified\": \"email_verified\"   # guess: named like the column but for case or underscores",
                "ignore: [\"cachedAt\"]",
                "TODO(init): unmatched-keys",
                "#   demo:*:*:*   (1 sampled key)");
        // one TODO only: the key of no namespace; no seeded value is written into the draft
        assertThat(Pattern.compile("# TODO\\(init\\): ").matcher(draft).results().count()).as(draft).isEqualTo(1);
        assertThat(draft).doesNotContain("gold", "silver", "shipped", "session:abc");
        // docs/init.md shows this draft: it must be what init writes, but for the time and the port
        String normalized = draft.replace(":" + redis.port() + "/", ":6379/")
                .replaceFirst("# Written [^ ]+ from", "# Written <time> from");
        Files.writeString(Path.of("target/init-demo-draft.yaml"), normalized); // to paste into the docs when the draft changes
        assertThat(normalized).isEqualTo(docsDraft());

        AuditLog log = validate(contract, "init-demo");

        assertThat(findings(log)).as(draft).containsExactlyInAnyOrder(
                "acme|customer|demo:acme:customer:3|STALE",
                "acme|customer|demo:acme:customer:99|ORPHAN",
                "globex|order|demo:globex:order:2|CORRUPT",
                "umbrella|null|demo:umbrella:customer:1|UNMAPPED",
                "null|null|demo:misc:session:abc|UNMAPPED");
        assertThat(log.summary().keysChecked()).isEqualTo(27); // as with the hand-written demo contract (LocalWorkflowIT)
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "jdk", "jackson-typed"})
    void init_onTheBenchmarkGeneratorsData_writesAContractThatFindsExactlyTheGeneratedDrift(String format) throws Exception {
        try (Connection c = DriverManager.getConnection(PG, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS cc_init_bench");
            s.execute("CREATE DATABASE cc_init_bench");
        }
        String benchDb = "jdbc:postgresql://127.0.0.1:5432/cc_init_bench";
        Path generated = dir.resolve("bench");
        io.cachecheck.bench.Generate.main(new String[]{"--keys", "3000", "--tenants", "12", "--drift", "0.02",
                "--out", generated.toString(), "--redis", "127.0.0.1:" + redis.port(), "--jdbc", benchDb, "--format", format});
        Matcher drift = Pattern.compile("stale=(\\d+) orphan=(\\d+) keys=(\\d+)").matcher(Files.readString(generated.resolve("generated.txt")));
        assertThat(drift.find()).isTrue();
        long stale = Long.parseLong(drift.group(1));
        long orphan = Long.parseLong(drift.group(2));
        assertThat(stale).isPositive();
        assertThat(orphan).isPositive();
        Path contract = dir.resolve("bench.yaml");

        // no --schema: every non-system schema of the database (the generator's database holds only its own)
        Cli init = cli("init", "--cache", "redis://127.0.0.1:" + redis.port() + "/15", "--source", benchDb,
                "--source-user", "postgres", "--out", contract.toString());

        assertThat(init.code()).as(init.out() + init.err()).isEqualTo(0);
        String draft = Files.readString(contract);
        assertThat(draft).contains(
                "keyPattern: \"t:{tenant_id}:order:{order_id}\"",
                format.equals("json") ? "valueType: json" : format.equals("jdk") ? "decode: [java]" : "decode: [json, jackson-typed]",
                "keyPattern: \"t:{tenant_id}:user:{user_id}\"",
                "valueType: hash",
                "\"updatedAt\": \"updated_at\"",
                "ignore: [\"cached_at\"]",
                "sql: \"SELECT tenant_id FROM cachecheck_bench.tenants WHERE active ORDER BY tenant_id\"");
        assertThat(draft).as(draft).doesNotContain("# TODO(init): ");

        AuditLog log = validate(contract, "init-bench-" + format);

        Map<DriftClass, Long> counts = log.summary().counts();
        assertThat(counts.get(DriftClass.STALE)).as(draft).isEqualTo(stale);
        assertThat(counts.get(DriftClass.ORPHAN)).isEqualTo(orphan);
        assertThat(counts.get(DriftClass.CORRUPT)).isZero();
        assertThat(counts.get(DriftClass.UNMAPPED)).isZero();
        assertThat(counts.get(DriftClass.IN_FLIGHT)).isZero();
        assertThat(log.summary().keysChecked()).isEqualTo(3000);
        assertThat(log.findings()).hasSize((int) (stale + orphan));
    }

    @Test
    void init_onJsonHashAndSpringJdkValues_writesAContractThatFindsExactlyTheSeededDrift() throws Exception {
        List<String> tenants = List.of("acme", "globex", "initech");
        Map<String, UUID> product = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(PG, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS cc_init_mixed CASCADE");
            s.execute("CREATE SCHEMA cc_init_mixed");
            s.execute("CREATE TABLE cc_init_mixed.tenants (tenant_id text PRIMARY KEY)");
            s.execute("INSERT INTO cc_init_mixed.tenants VALUES ('acme'), ('globex'), ('initech')");
            s.execute("CREATE TABLE cc_init_mixed.products (tenant_id text, product_id uuid, title text, price_cents int,"
                    + " in_stock boolean, updated_at timestamptz, PRIMARY KEY (tenant_id, product_id))");
            s.execute("CREATE TABLE cc_init_mixed.app_users (tenant_id text, user_id bigint, email text, display_name text,"
                    + " plan text, PRIMARY KEY (tenant_id, user_id))");
            s.execute("CREATE TABLE cc_init_mixed.orders (tenant_id text, id bigint, customer text, total numeric(12,2),"
                    + " updated_at timestamptz, status text, items int, paid boolean, tags text[], PRIMARY KEY (tenant_id, id))");
            for (String t : tenants) {
                for (int i = 1; i <= 6; i++) {
                    UUID id = UUID.nameUUIDFromBytes((t + i).getBytes(StandardCharsets.UTF_8));
                    product.put(t + i, id);
                    s.execute("INSERT INTO cc_init_mixed.products VALUES ('" + t + "', '" + id + "', 'Title " + i + "', " + (100 * i)
                            + ", " + (i % 2 == 0) + ", '2025-05-01T10:00:0" + i + "Z')");
                    s.execute("INSERT INTO cc_init_mixed.app_users VALUES ('" + t + "', " + (100 + i) + ", 'u" + i + "@" + t
                            + ".example', 'User " + i + "', 'team')");
                    s.execute("INSERT INTO cc_init_mixed.orders VALUES ('" + t + "', " + i + ", 'customer " + i + "', " + i
                            + "2.50, '2025-03-31T03:34:1" + i + ".25Z', 'PAID', " + i + ", " + (i % 2 == 1) + ", ARRAY['t" + i + "', 'gift'])");
                }
            }
        }
        ObjectMapper json = new ObjectMapper();
        var springValues = RedisCacheConfiguration.defaultCacheConfig().getValueSerializationPair();
        try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
            jedis.select(2);
            jedis.flushDB();
            for (String t : tenants) {
                for (int i = 1; i <= 6; i++) {
                    Map<String, Object> p = new LinkedHashMap<>();
                    p.put("title", "Title " + i);
                    p.put("priceCents", 100 * i);
                    p.put("inStock", i % 2 == 0);
                    p.put("updatedAt", "2025-05-01T10:00:0" + i + "Z");
                    p.put("cachedAt", "2025-05-01T10:05:00Z");
                    jedis.set("app:" + t + ":product:" + product.get(t + i), json.writeValueAsString(p));
                    jedis.hset("app:" + t + ":user:" + (100 + i), Map.of("email", "u" + i + "@" + t + ".example",
                            "display_name", "User " + i, "plan", "team"));
                    Order o = new Order();
                    o.setId((long) i);
                    o.setTenantId(t);
                    o.setCustomer("customer " + i);
                    o.setTotal(new BigDecimal(i + "2.50"));
                    o.setUpdatedAt(Instant.parse("2025-03-31T03:34:1" + i + ".25Z"));
                    o.setStatus(Order.Status.PAID);
                    o.setItems(i);
                    o.setPaid(i % 2 == 1);
                    o.setTags(List.of("t" + i, "gift"));
                    ByteBuffer bytes = springValues.write(o);
                    byte[] value = new byte[bytes.remaining()];
                    bytes.get(value);
                    jedis.set(("orders::" + t + ":" + i).getBytes(StandardCharsets.UTF_8), value);
                }
            }
            // a torn JSON write: CORRUPT
            String torn = "app:initech:product:" + product.get("initech3");
            jedis.set(torn, jedis.get(torn).substring(0, 20));
        }
        try (Connection c = DriverManager.getConnection(PG, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("UPDATE cc_init_mixed.products SET title = 'Renamed' WHERE tenant_id = 'acme' AND product_id = '"
                    + product.get("acme2") + "'");
            s.execute("DELETE FROM cc_init_mixed.app_users WHERE tenant_id = 'globex' AND user_id = 103");
            s.execute("UPDATE cc_init_mixed.orders SET total = total + 0.01 WHERE tenant_id = 'initech' AND id = 4");
        }
        Path contract = dir.resolve("mixed.yaml");

        Cli init = init(2, PG, "cc_init_mixed", contract);

        assertThat(init.code()).as(init.out() + init.err()).isEqualTo(0);
        String draft = Files.readString(contract);
        assertThat(draft).contains(
                "keyPattern: \"app:{tenant_id}:product:{product_id}\"",
                "keyPattern: \"app:{tenant_id}:user:{user_id}\"",
                "keyPattern: \"orders::{tenant_id}:{id}\"",
                "decode: [java]",
                "\"priceCents\": \"price_cents\"",
                "\"tenantId\": \"tenant_id\"",
                "sql: \"SELECT tenant_id FROM cc_init_mixed.tenants ORDER BY tenant_id\"");
        assertThat(draft).as(draft).doesNotContain("# TODO(init): ", "Title ", "customer 1", "gift");
        assertThat(init.out()).as(draft).contains(
                "orders: 18 sampled keys checked, 18 found a row, 17 compared equal",
                "user: 18 sampled keys checked, 17 found a row, 17 compared equal",
                "product: 18 sampled keys checked, 18 found a row, 16 compared equal, 1 undecodable");

        AuditLog log = validate(contract, "init-mixed");

        assertThat(findings(log)).as(draft).containsExactlyInAnyOrder(
                "acme|product|app:acme:product:" + product.get("acme2") + "|STALE",
                "initech|product|app:initech:product:" + product.get("initech3") + "|CORRUPT",
                "globex|user|app:globex:user:103|ORPHAN",
                "initech|orders|orders::initech:4|STALE");
        assertThat(log.summary().keysChecked()).isEqualTo(54);
    }

    @Test
    void init_onACacheOfOneTenant_confirmsTheConstantTenantSegmentInTheSource_andFindsExactlyTheSeededDrift() throws Exception {
        try (Connection c = DriverManager.getConnection(PG, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS cc_init1t_one CASCADE");
            s.execute("CREATE SCHEMA cc_init1t_one");
            s.execute("CREATE TABLE cc_init1t_one.tenants (tenant_id text PRIMARY KEY, active boolean NOT NULL)");
            s.execute("INSERT INTO cc_init1t_one.tenants VALUES ('acme', true)");
            s.execute("CREATE TABLE cc_init1t_one.customers (tenant_id text, id int, name text, tier text, PRIMARY KEY (tenant_id, id))");
            s.execute("INSERT INTO cc_init1t_one.customers SELECT 'acme', i, 'Customer ' || i, 'gold' FROM generate_series(1, 10) i");
        }
        ObjectMapper json = new ObjectMapper();
        try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
            jedis.select(11);
            jedis.flushDB();
            for (int i = 1; i <= 10; i++) {
                jedis.set("cc:acme:customer:" + i, json.writeValueAsString(Map.of("name", "Customer " + i, "tier", "gold")));
            }
        }
        try (Connection c = DriverManager.getConnection(PG, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("UPDATE cc_init1t_one.customers SET tier = 'silver' WHERE id = 4"); // the one stale key
        }
        Path contract = dir.resolve("one.yaml");
        try {
            Cli init = init(11, PG, "cc_init1t_one", contract);

            assertThat(init.code()).as(init.out() + init.err()).isEqualTo(0);
            String draft = Files.readString(contract);
            assertThat(init.out()).as(draft).contains(
                    "Wrote " + contract + ": 1 namespaces, 0 commented out with a TODO(init), 0 sampled keys in no namespace",
                    "customer: 10 sampled keys checked, 10 found a row, 9 compared equal");
            assertThat(draft).contains(
                    "keyPattern: \"cc:{tenant_id}:customer:{id}\"",
                    "# guess: 10 sampled keys of the pattern cc:{tenant_id}:customer:{id}; the segment {tenant_id} holds the"
                            + " tenant (1 value); one tenant in the sample: 'acme' matches cc_init1t_one.customers.tenant_id:"
                            + " confirm it is the tenant",
                    "sql: \"SELECT tenant_id FROM cc_init1t_one.tenants WHERE active ORDER BY tenant_id\"");
            assertThat(draft).as(draft).doesNotContain("# TODO(init): ", "Customer ", "gold");

            AuditLog log = validate(contract, "init-one-tenant");

            assertThat(findings(log)).as(draft).containsExactly("acme|customer|cc:acme:customer:4|STALE");
            assertThat(log.summary().keysChecked()).isEqualTo(10);
        } finally {
            try (Connection c = DriverManager.getConnection(PG, "postgres", ""); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS cc_init1t_one CASCADE");
            }
        }
    }

    @Test
    void init_onACacheOfOneTenantTheSourceDoesNotKnow_proposesNoNamespace() throws Exception {
        try (Connection c = DriverManager.getConnection(PG, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS cc_init1t_none CASCADE");
            s.execute("CREATE SCHEMA cc_init1t_none");
            s.execute("CREATE TABLE cc_init1t_none.tenants (tenant_id text PRIMARY KEY)");
            s.execute("INSERT INTO cc_init1t_none.tenants VALUES ('globex')");
            s.execute("CREATE TABLE cc_init1t_none.customers (tenant_id text, id int, name text, PRIMARY KEY (tenant_id, id))");
            s.execute("INSERT INTO cc_init1t_none.customers SELECT 'globex', i, 'Customer ' || i FROM generate_series(1, 10) i");
        }
        try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
            jedis.select(12);
            jedis.flushDB();
            for (int i = 1; i <= 10; i++) {
                jedis.set("cc:acme:customer:" + i, "{\"name\":\"Customer " + i + "\"}");
            }
        }
        Path contract = dir.resolve("none.yaml");
        try {
            Cli init = init(12, PG, "cc_init1t_none", contract);

            assertThat(init.code()).as(init.out() + init.err()).isEqualTo(1);
            String draft = Files.readString(contract);
            assertThat(init.out()).as(draft).contains("0 namespaces, 0 commented out with a TODO(init), 10 sampled keys in no namespace");
            assertThat(draft).contains("#   cc:acme:customer:*   (10 sampled keys)").doesNotContain("guess: 10 sampled keys");
        } finally {
            try (Connection c = DriverManager.getConnection(PG, "postgres", ""); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS cc_init1t_none CASCADE");
            }
        }
    }

    @Test
    void init_onMariaDb_matchesTablesOfTheUrlsDatabase_andFindsExactlyTheSeededDrift() throws Exception {
        try (Connection c = DriverManager.getConnection(MARIADB, "root", ""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS cc_init_maria");
            s.execute("CREATE DATABASE cc_init_maria");
            s.execute("CREATE TABLE cc_init_maria.tenants (tenant_id varchar(32) PRIMARY KEY, enabled boolean NOT NULL)");
            s.execute("INSERT INTO cc_init_maria.tenants VALUES ('north', true), ('south', true), ('west', false)");
            s.execute("CREATE TABLE cc_init_maria.items (tenant_id varchar(32), item_id bigint, label varchar(64),"
                    + " unit_price decimal(10,2), PRIMARY KEY (tenant_id, item_id))");
            s.execute("CREATE TABLE cc_init_maria.accounts_by_tenant (tenant_id varchar(32), account_id bigint, owner varchar(64),"
                    + " credit_limit int, PRIMARY KEY (tenant_id, account_id))");
            for (String t : List.of("north", "south", "west")) {
                for (int i = 1; i <= 5; i++) {
                    s.execute("INSERT INTO cc_init_maria.items VALUES ('" + t + "', " + i + ", 'Label " + i + "', " + i + ".50)");
                    s.execute("INSERT INTO cc_init_maria.accounts_by_tenant VALUES ('" + t + "', " + (70 + i) + ", 'Owner " + i
                            + "', " + (1000 * i) + ")");
                }
            }
        }
        ObjectMapper json = new ObjectMapper();
        try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
            jedis.select(4);
            jedis.flushDB();
            for (String t : List.of("north", "south", "west")) {
                for (int i = 1; i <= 5; i++) {
                    jedis.set("shop|" + t + "|item|" + i, json.writeValueAsString(Map.of("label", "Label " + i,
                            "unitPrice", new BigDecimal(i + ".5"))));
                    jedis.hset("shop|" + t + "|account|" + (70 + i), Map.of("owner", "Owner " + i, "creditLimit",
                            Integer.toString(1000 * i)));
                }
            }
        }
        try (Connection c = DriverManager.getConnection(MARIADB, "root", ""); Statement s = c.createStatement()) {
            s.execute("UPDATE cc_init_maria.items SET unit_price = 9.99 WHERE tenant_id = 'south' AND item_id = 2");
            s.execute("DELETE FROM cc_init_maria.accounts_by_tenant WHERE tenant_id = 'north' AND account_id = 74");
        }
        Path contract = dir.resolve("maria.yaml");

        Cli init = cli("init", "--cache", "redis://127.0.0.1:" + redis.port() + "/4",
                "--source", "jdbc:mariadb://127.0.0.1:3306/cc_init_maria?user=root", "--out", contract.toString());

        assertThat(init.code()).as(init.out() + init.err()).isEqualTo(0);
        String draft = Files.readString(contract);
        assertThat(draft).contains(
                "url: \"jdbc:aws-wrapper:mariadb://127.0.0.1:3306/cc_init_maria\"",
                "username: \"root\"",
                "keyPattern: \"shop|{tenant_id}|item|{item_id}\"",
                "keyPattern: \"shop|{tenant_id}|account|{account_id}\"",
                "FROM cc_init_maria.accounts_by_tenant WHERE",
                "\"unitPrice\": \"unit_price\"",
                "sql: \"SELECT tenant_id FROM cc_init_maria.tenants WHERE enabled ORDER BY tenant_id\"");
        assertThat(draft).as(draft).doesNotContain("# TODO(init): ", "Label", "Owner");
        assertThat(init.out()).as(draft).contains(
                "item: 10 sampled keys checked, 10 found a row, 9 compared equal; 5 more of a tenant not in tenants.sql",
                "account: 10 sampled keys checked, 9 found a row, 9 compared equal; 5 more of a tenant not in tenants.sql");

        AuditLog log = validate(contract, "init-maria");

        List<String> expected = new ArrayList<>(List.of("south|item|shop|south|item|2|STALE",
                "north|account|shop|north|account|74|ORPHAN"));
        for (int i = 1; i <= 5; i++) {
            expected.add("west|null|shop|west|item|" + i + "|UNMAPPED");
            expected.add("west|null|shop|west|account|" + (70 + i) + "|UNMAPPED");
        }
        assertThat(findings(log)).as(draft).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void init_withAPasswordInTheSourceUrl_neverWritesOrPrintsIt() throws Exception {
        new DemoData(PG, "postgres", "cc_init_demo", URI.create("redis://127.0.0.1:" + redis.port() + "/3")).seed();
        Path contract = dir.resolve("secret.yaml");
        String secret = "Hunter2-init-secret";

        // local PostgreSQL trusts loopback, so the password is sent and ignored: what matters is where it goes
        Cli init = cli("init", "--cache", "redis://127.0.0.1:" + redis.port() + "/3", "--source",
                "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&password=" + secret, "--schema", "cc_init_demo",
                "--out", contract.toString());

        assertThat(init.code()).as(init.out() + init.err()).isEqualTo(0);
        String draft = Files.readString(contract);
        assertThat(draft + init.out() + init.err()).doesNotContain(secret);
        assertThat(draft).contains("url: \"jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test\"",
                "passwordEnv: CACHECHECK_SOURCE_PASSWORD   # TODO(init): password:");
        // the check on the sample ran with the password given in the URL
        assertThat(init.out()).contains("customer: 16 sampled keys checked, 15 found a row, 14 compared equal");
    }

    @Test
    void init_whenTheFileExists_refusesToOverwriteItWithoutForce() throws Exception {
        Path contract = dir.resolve("kept.yaml");
        Files.writeString(contract, "mine");

        Cli init = cli("init", "--cache", "redis://127.0.0.1:" + redis.port() + "/5", "--source", PG, "--out", contract.toString());

        assertThat(init.code()).isEqualTo(2);
        assertThat(init.err()).isEqualTo("error: --out: " + contract + " exists; choose another file, or add --force to overwrite it"
                + System.lineSeparator());
        assertThat(Files.readString(contract)).isEqualTo("mine");
    }

    @Test
    void initHelp_listsItsOptions_andTheCommandIsInTheUsage() {
        Cli help = cli("init", "--help");
        Cli usage = cli("help");

        assertThat(help.code()).isZero();
        assertThat(help.out()).startsWith("Usage: cachecheck init --cache=URL --source=URL [OPTIONS]")
                .contains("--max-keys=N", "--keys-per-second=N", "--schema=a,b", "most keys to sample with SCAN (default: 10000)");
        assertThat(usage.out()).containsPattern("\\n  init +Write a draft contract");
    }

    @Test
    void init_onARedisCluster_samplesEveryPrimary_andWritesClusterMode() throws Exception {
        try (Connection c = DriverManager.getConnection(PG, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS cc_init_cluster CASCADE");
            s.execute("CREATE SCHEMA cc_init_cluster");
            s.execute("CREATE TABLE cc_init_cluster.tenants (tenant_id text PRIMARY KEY, active boolean)");
            s.execute("INSERT INTO cc_init_cluster.tenants VALUES ('acme', true), ('globex', true)");
            s.execute("CREATE TABLE cc_init_cluster.items (tenant_id text, item_id int, label text, PRIMARY KEY (tenant_id, item_id))");
            s.execute("INSERT INTO cc_init_cluster.items SELECT t, i, 'label ' || i FROM unnest(ARRAY['acme','globex']) t,"
                    + " generate_series(1, 30) i");
        }
        try (RedisClusterProcess cluster = RedisClusterProcess.start(3)) {
            try (RedisClusterClient client = RedisClusterClient.builder()
                    .nodes(java.util.Set.of(new HostAndPort("127.0.0.1", cluster.ports().get(0)))).build()) {
                for (String t : List.of("acme", "globex")) {
                    for (int i = 1; i <= 30; i++) {
                        client.set("c:" + t + ":item:" + i, "{\"label\":\"label " + (t.equals("globex") && i == 7 ? "old" : i) + "\"}");
                    }
                }
            }
            Path contract = dir.resolve("cluster.yaml");

            Cli init = cli("init", "--cache", cluster.url(), "--source", PG, "--source-user", "postgres",
                    "--schema", "cc_init_cluster", "--out", contract.toString());

            assertThat(init.code()).as(init.out() + init.err()).isEqualTo(0);
            String draft = Files.readString(contract);
            assertThat(draft).contains("  mode: cluster", "keyPattern: \"c:{tenant_id}:item:{item_id}\"", "from 60 sampled keys");
            assertThat(init.out()).as(draft).contains("item: 60 sampled keys checked, 60 found a row, 59 compared equal");

            AuditLog log = validate(contract, "init-cluster");

            assertThat(findings(log)).as(draft).containsExactly("globex|item|c:globex:item:7|STALE");
            assertThat(log.summary().keysChecked()).isEqualTo(60);
        }
    }

    @Test
    void init_whenNoFamilyMatchesATable_writesTheTodosAndExitsOne() throws Exception {
        try (Connection c = DriverManager.getConnection(PG, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS cc_init_empty CASCADE");
            s.execute("CREATE SCHEMA cc_init_empty");
        }
        try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
            jedis.select(6);
            jedis.flushDB();
            for (String t : List.of("acme", "globex")) {
                for (int i = 1; i <= 3; i++) {
                    jedis.set("x:" + t + ":thing:" + i, "{\"a\":1}");
                }
            }
        }
        Path contract = dir.resolve("empty.yaml");
        try {
            Cli init = init(6, PG, "cc_init_empty", contract);

            assertThat(init.code()).as(init.out() + init.err()).isEqualTo(1);
            String draft = Files.readString(contract);
            assertThat(draft).contains("# TODO(init): no-namespace:", "# TODO(init): no-table:", "  # - name: thing",
                    "# TODO(init): tenants: no namespace matched");
            assertThat(new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(draft).get("version").asInt()).isEqualTo(1);
            assertThat(init.out()).contains("The draft does not load yet: ");
        } finally {
            try (Connection c = DriverManager.getConnection(PG, "postgres", ""); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS cc_init_empty CASCADE");
            }
        }
    }
}
