package io.cachecheck.local;

import com.example.shop.DatedOrder;
import com.example.shop.Order;
import com.example.shop.OrderWithLines;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.impl.LaissezFaireSubTypeValidator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.cachecheck.audit.AuditLog;
import io.cachecheck.audit.AuditLogSchemaValidator;
import io.cachecheck.check.DriftClass;
import io.cachecheck.local.cli.CacheCheckCli;
import io.cachecheck.workflow.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msgpack.jackson.dataformat.MessagePackFactory;
import org.springframework.data.redis.serializer.GenericJackson2JsonRedisSerializer;
import org.springframework.data.redis.serializer.Jackson2JsonRedisSerializer;
import redis.clients.jedis.Jedis;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * docs/formats.md, as written: every recipe's value is what its library writes (compared with the page), and every
 * recipe's contract snippet, loaded from the page, validates that value against PostgreSQL (schema cc_it_formatdocs)
 * and Redis (db 14, keys of the snippets' patterns): CONSISTENT, then STALE on exactly the changed field once the row
 * changes behind the cache.
 */
class FormatsDocIT {
    private static final Path PAGE = Path.of("../docs/formats.md");
    private static final String SCHEMA = "cc_it_formatdocs";
    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final URI REDIS = URI.create("redis://127.0.0.1:6379/" + FormatsIT.REDIS_DB);
    private static final Pattern RECIPE = Pattern.compile("<!-- recipe: ([a-z0-9-]+) -->");
    private static final Pattern BLOCK = Pattern.compile("```(json|text|yaml)\\n(.*?)```", Pattern.DOTALL);

    @TempDir
    Path out;

    /** One recipe of the page: the value block shown and the contract snippet. */
    record Recipe(String id, String valueKind, String value, String yaml) {
    }

    static List<Recipe> recipes() throws Exception {
        String page = Files.readString(PAGE);
        List<Recipe> recipes = new ArrayList<>();
        Matcher m = RECIPE.matcher(page);
        List<int[]> starts = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        while (m.find()) {
            starts.add(new int[] {m.start()});
            ids.add(m.group(1));
        }
        for (int i = 0; i < ids.size(); i++) {
            int from = starts.get(i)[0];
            int next = page.indexOf("\n## ", from);
            int end = i + 1 < ids.size() ? Math.min(starts.get(i + 1)[0], next < 0 ? page.length() : next) : next < 0 ? page.length() : next;
            String section = page.substring(from, end);
            Matcher b = BLOCK.matcher(section);
            String kind = null;
            String value = null;
            String yaml = null;
            while (b.find()) {
                if (b.group(1).equals("yaml")) {
                    assertThat(yaml).as(ids.get(i) + ": one contract snippet").isNull();
                    yaml = b.group(2);
                } else if (value == null) {
                    kind = b.group(1);
                    value = b.group(2).strip();
                }
            }
            assertThat(value).as(ids.get(i) + ": value block").isNotNull();
            assertThat(yaml).as(ids.get(i) + ": yaml block").isNotNull();
            recipes.add(new Recipe(ids.get(i), kind, value, yaml));
        }
        return recipes;
    }

    private static ObjectMapper javaTime() {
        return JsonMapper.builder().addModule(new JavaTimeModule()).build();
    }

    private static ObjectMapper isoDates() {
        return JsonMapper.builder().addModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
    }

    /** What each recipe's framework writes for the page's order (a fresh mapper each: serialisers change theirs). */
    static Object write(String recipe) throws Exception {
        return switch (recipe) {
            case "plain-json" -> isoDates().writeValueAsBytes(new Order());
            case "spring-generic" -> new GenericJackson2JsonRedisSerializer().serialize(new DatedOrder());
            case "spring-generic-java-time" -> GenericJackson2JsonRedisSerializer.builder().objectMapper(javaTime())
                    .defaultTyping(true).build().serialize(new Order());
            case "jackson2-json" -> new Jackson2JsonRedisSerializer<>(javaTime(), Order.class).serialize(new Order());
            case "jackson2-typed" -> {
                ObjectMapper typing = javaTime();
                typing.activateDefaultTyping(LaissezFaireSubTypeValidator.instance, ObjectMapper.DefaultTyping.NON_FINAL);
                yield new Jackson2JsonRedisSerializer<>(typing, Object.class).serialize(new Order());
            }
            case "gzip-json" -> FormatValues.gzip(isoDates().writeValueAsBytes(new Order()));
            case "msgpack" -> JsonMapper.builder(new MessagePackFactory()).addModule(new JavaTimeModule())
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build().writeValueAsBytes(new Order());
            case "keyv-envelope" -> FormatValues.keyvEnvelope(isoDates().writeValueAsBytes(new Order()), 1743395656100L);
            case "dotnet-hash" -> {
                Map<String, byte[]> hash = new LinkedHashMap<>();
                hash.put("absexp", "-1".getBytes(StandardCharsets.UTF_8));
                hash.put("sldexp", "-1".getBytes(StandardCharsets.UTF_8));
                hash.put("data", JsonMapper.builder().addModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                        .propertyNamingStrategy(PropertyNamingStrategies.UPPER_CAMEL_CASE).build().writeValueAsBytes(new Order()));
                yield hash;
            }
            case "order-lines", "order-lines-jsonb" -> isoDates().writeValueAsBytes(new OrderWithLines());
            case "spring-jdk" -> {
                // exactly Spring Boot's default: RedisCacheManager's value writer of defaultCacheConfig()
                java.nio.ByteBuffer b = org.springframework.data.redis.cache.RedisCacheConfiguration.defaultCacheConfig()
                        .getValueSerializationPair().write(new com.example.shop.OrderDto());
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                yield bytes;
            }
            case "laravel" -> FormatValues.writtenBy("php", "formatsdoc/gen_laravel_order.php", "formatsdoc/laravel-order.bin");
            case "django" -> FormatValues.writtenBy("python3", "formatsdoc/gen_django_order.py", "formatsdoc/django-order.bin");
            default -> throw new AssertionError("docs/formats.md has recipe " + recipe + ", which this test does not write");
        };
    }

    @SuppressWarnings("unchecked")
    private static void assertShown(Recipe r, Object written) {
        if (written instanceof Map<?, ?> hash) {
            StringBuilder shown = new StringBuilder();
            ((Map<String, byte[]>) hash).forEach((k, v) -> shown.append(String.format("%-6s %s%n", k, new String(v, StandardCharsets.UTF_8))));
            assertThat(r.value()).as(r.id() + ": the hash shown").isEqualTo(shown.toString().strip());
        } else if (r.valueKind().equals("json") || r.id().equals("laravel")) {
            assertThat(r.value()).as(r.id() + ": the value shown").isEqualTo(new String((byte[]) written, StandardCharsets.UTF_8));
        } else {
            String hex = HexFormat.ofDelimiter(" ").formatHex((byte[]) written);
            assertThat(hex).as(r.id() + ": the bytes shown").startsWith(r.value());
        }
    }

    private static String keyOf(String yaml) throws Exception {
        JsonNode ns = new YAMLMapper().readTree(yaml).get(0);
        return ns.get("keyPattern").asText().replace("{tenant_id}", "acme").replace("{order_id}", "1000");
    }

    private AuditLog run(String contract, String runId, int exit) throws Exception {
        Path file = out.resolve(runId + ".yaml");
        Files.writeString(file, contract);
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code = new CacheCheckCli(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8)).run(new String[]{"validate", "--contract", file.toString(),
                "--out", out.toString(), "--quiet", "--run-id", runId, "--max-drift-ratio", "1"});
        String json = Files.isRegularFile(out.resolve("audit/" + runId + ".json")) ? Files.readString(out.resolve("audit/" + runId + ".json")) : "";
        assertThat(code).as(stderr.toString(StandardCharsets.UTF_8) + json.substring(0, Math.min(4000, json.length()))).isEqualTo(exit);
        assertThat(AuditLogSchemaValidator.create().check(json, List.of("SHIPPED"))).isEmpty();
        return Json.MAPPER.readValue(json, AuditLog.class);
    }

    @Test
    void everyRecipe_showsWhatItsLibraryWrites_andItsSnippetValidatesIt() throws Exception {
        List<Recipe> recipes = recipes();
        assertThat(recipes).extracting(Recipe::id).contains("plain-json", "spring-jdk", "spring-generic", "jackson2-typed", "gzip-json",
                "msgpack", "keyv-envelope", "dotnet-hash", "order-lines", "laravel", "django");
        boolean node = FormatValues.nodeAvailable();
        assumeTrue(node, "node is not installed: the keyv recipe cannot be written by Node");
        FormatsIT.clearRedis();
        clearKeys(recipes);
        try (Connection db = DriverManager.getConnection(PG, "postgres", ""); Statement s = db.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            s.execute("CREATE SCHEMA " + SCHEMA);
            s.execute("CREATE TABLE " + SCHEMA + ".tenants (tenant_id text PRIMARY KEY, active boolean NOT NULL)");
            s.execute("CREATE TABLE " + SCHEMA + ".orders (tenant_id text, order_id bigint, status text, total numeric(12,2),"
                    + " updated_at timestamptz(3), PRIMARY KEY (tenant_id, order_id))");
            s.execute("CREATE TABLE " + SCHEMA + ".order_lines (tenant_id text, order_id bigint, line_no int, sku text, qty int,"
                    + " price numeric(12,2))");
            s.execute("INSERT INTO " + SCHEMA + ".tenants VALUES ('acme', true)");
            s.execute("INSERT INTO " + SCHEMA + ".orders VALUES ('acme', 1000, 'PAID', 111185.20, '2025-03-31T03:34:16.100Z')");
            s.execute("INSERT INTO " + SCHEMA + ".order_lines VALUES ('acme', 1000, 1, 'A-1', 2, 12.50), ('acme', 1000, 2, 'B-7', 1, 0.99)");
            s.execute("CREATE TABLE " + SCHEMA + ".order_documents AS SELECT tenant_id, order_id, status, total, updated_at,"
                    + " '[{\"sku\": \"A-1\", \"qty\": 2, \"price\": 12.50}, {\"price\": 0.990, \"qty\": 1, \"sku\": \"B-7\"}]'::jsonb AS lines"
                    + " FROM " + SCHEMA + ".orders");
        }
        StringBuilder contract = new StringBuilder("""
                version: 1
                cache:
                  url: redis://127.0.0.1:6379/%d
                source:
                  url: jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test
                  auth:
                    username: postgres
                tenants:
                  sql: SELECT tenant_id FROM %s.tenants WHERE active
                check:
                  graceMillis: 0
                namespaces:
                """.formatted(FormatsIT.REDIS_DB, SCHEMA));
        try (Jedis jedis = new Jedis(REDIS)) {
            for (Recipe r : recipes) {
                Object written = write(r.id());
                assertShown(r, written);
                contract.append(r.yaml().replace("shop.", SCHEMA + "."));
                String key = keyOf(r.yaml());
                if (written instanceof Map<?, ?> hash) {
                    Map<byte[], byte[]> fields = new LinkedHashMap<>();
                    hash.forEach((k, v) -> fields.put(((String) k).getBytes(StandardCharsets.UTF_8), (byte[]) v));
                    jedis.hset(key.getBytes(StandardCharsets.UTF_8), fields);
                } else {
                    jedis.set(key.getBytes(StandardCharsets.UTF_8), (byte[]) written);
                }
            }
        }

        AuditLog consistent = run(contract.toString(), "doc-1", CacheCheckCli.CONSISTENT);
        try (Connection db = DriverManager.getConnection(PG, "postgres", ""); Statement s = db.createStatement()) {
            s.execute("UPDATE " + SCHEMA + ".orders SET status = 'SHIPPED'");
            s.execute("UPDATE " + SCHEMA + ".order_documents SET status = 'SHIPPED'");
        }
        AuditLog stale = run(contract.toString(), "doc-2", CacheCheckCli.DRIFT);

        assertThat(consistent.findings()).isEmpty();
        assertThat(consistent.summary().keysChecked()).isEqualTo(recipes.size());
        assertThat(stale.findings()).hasSize(recipes.size()).allSatisfy(f -> {
            assertThat(f.driftClass()).isEqualTo(DriftClass.STALE);
            assertThat(f.fields()).containsExactly(f.namespace().equals("order_dotnet") ? "Status" : "status");
        });
    }

    private static void clearKeys(List<Recipe> recipes) throws Exception {
        try (Jedis jedis = new Jedis(REDIS)) {
            for (Recipe r : recipes) {
                jedis.del(keyOf(r.yaml()));
            }
        }
    }

    @AfterEach
    void clean() throws Exception {
        clearKeys(recipes());
        try (Connection db = DriverManager.getConnection(PG, "postgres", ""); Statement s = db.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }
}
