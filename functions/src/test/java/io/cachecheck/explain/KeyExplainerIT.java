package io.cachecheck.explain;

import io.cachecheck.cache.RedisNodes;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Finding;
import io.cachecheck.check.KeyText;
import io.cachecheck.check.ShardResult;
import io.cachecheck.check.ShardValidator;
import io.cachecheck.check.ShardWorkItem;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.redact.KeyRedactor;
import io.cachecheck.shard.ShardPlanner;
import io.cachecheck.source.JdbcSource;
import io.cachecheck.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * {@code cachecheck explain} against a throw-away Redis, real PostgreSQL (schema cc_explain) and MariaDB (database
 * cc_explain), with values written by Jackson, Spring's RedisCache defaults and java.util.zip ({@link ExplainData}):
 * every class, each the class a real validate run gives the same key, and no value in the output unless asked for.
 */
class KeyExplainerIT {
    private static final long GRACE = 1_500;
    private static RedisServerProcess server;

    private final SecretResolver secrets = SecretResolver.withEnvironment(k -> null);
    private ExplainData data;

    @BeforeAll
    static void startRedis() throws Exception {
        server = RedisServerProcess.start();
    }

    @AfterAll
    static void stopRedis() {
        server.close();
    }

    @AfterEach
    void drop() throws Exception {
        if (data != null) {
            data.drop();
        }
    }

    private Contract seed(boolean postgres) throws Exception {
        data = new ExplainData(postgres);
        try (Jedis redis = server.client()) {
            data.seed(redis);
        }
        return ContractLoader.withEnvironment(k -> null).parse(data.contract(server.port(), GRACE));
    }

    private Explanation explain(Contract contract, String key, boolean showValues) {
        return explainer(contract, KeyRedactor.disabled()).explain(KeyText.parse(key), showValues);
    }

    private KeyExplainer explainer(Contract contract, KeyRedactor redactor) {
        return new KeyExplainer(contract, RedisNodes.discover(contract.cache(), secrets), secrets, redactor);
    }

    /** The IN_FLIGHT row is written "now" just before the key is looked at, as by a writer racing the check. */
    private void touchInFlightRow() throws Exception {
        try (Connection db = data.connect(); Statement st = db.createStatement()) {
            st.execute("UPDATE cc_explain.orders SET updated_at = " + (data.postgres ? "(now() AT TIME ZONE 'UTC')" : "UTC_TIMESTAMP(3)")
                    + " WHERE tenant_id = 'acme' AND id = 3");
        }
    }

    /** One real validate run: the class of each finding's key, and how many keys were CONSISTENT. */
    private record Validated(Map<String, DriftClass> findings, long consistent) {
    }

    private Validated validate(Contract contract) {
        RedisNodes nodes = RedisNodes.discover(contract.cache(), secrets);
        ShardPlanner.Tenants tenants;
        try (JdbcSource source = new JdbcSource(contract.source(), secrets, 1, 10)) {
            tenants = ShardPlanner.discover(contract, source);
        }
        Map<String, DriftClass> classes = new HashMap<>();
        long consistent = 0;
        for (ShardWorkItem item : ShardPlanner.plan(tenants, null, nodes.coverage())) {
            ShardResult r = new ShardValidator(contract, nodes, secrets).validate(item, tenants.ids(), null, null);
            for (Finding f : r.findings()) {
                classes.put(f.key(), f.driftClass());
            }
            consistent += r.count(DriftClass.CONSISTENT);
        }
        return new Validated(classes, consistent);
    }

    @ParameterizedTest(name = "postgres={0}")
    @ValueSource(booleans = {true, false})
    void explain_givesEveryKeyTheClassValidateGives(boolean postgres) throws Exception {
        Contract contract = seed(postgres);
        touchInFlightRow();
        Validated validated = validate(contract);

        Map<String, DriftClass> expected = new LinkedHashMap<>();
        expected.put("ex:acme:order:1", DriftClass.CONSISTENT);
        expected.put("ex:acme:order:2", DriftClass.STALE);
        expected.put("ex:acme:order:3", DriftClass.IN_FLIGHT);
        expected.put("ex:acme:order:9", DriftClass.ORPHAN);
        // PostgreSQL refuses 'abc' for a bigint column; MariaDB compares it as 0 and finds no row
        expected.put("ex:acme:order:abc", postgres ? DriftClass.UNMAPPED : DriftClass.ORPHAN);
        expected.put("ex:initech:order:1", DriftClass.UNMAPPED);
        expected.put("ex:acme:ordr:1", DriftClass.UNMAPPED);
        expected.put("ex:v2:acme:order:1", DriftClass.UNMAPPED);
        expected.put("ex:acme:jdk-order:1", DriftClass.CONSISTENT);
        expected.put("ex:acme:jdk-order:4", DriftClass.STALE);
        expected.put("ex:acme:gz-order:1", DriftClass.CONSISTENT);
        expected.put("ex:acme:gz-order:4", DriftClass.CORRUPT);
        expected.put("ex:acme:user:1:tags", DriftClass.CONSISTENT);
        expected.put("ex:acme:user:2:tags", DriftClass.STALE);
        expected.put("ex:acme:profile:" + ExplainData.EMAIL, DriftClass.CONSISTENT);
        expected.put("ex:acme:stock:SKU-1", DriftClass.STALE);
        // validate: the findings are exactly the non-consistent keys above, and the rest were counted consistent
        Map<String, DriftClass> expectedFindings = new HashMap<>(expected);
        expectedFindings.values().removeIf(c -> c == DriftClass.CONSISTENT);
        assertThat(validated.findings()).isEqualTo(expectedFindings);
        assertThat(validated.consistent()).isEqualTo(expected.values().stream().filter(c -> c == DriftClass.CONSISTENT).count());

        for (Map.Entry<String, DriftClass> e : expected.entrySet()) {
            if (e.getKey().equals("ex:acme:order:3")) {
                touchInFlightRow();
            }
            Explanation x = explain(contract, e.getKey(), false);
            assertThat(x.driftClass()).as(e.getKey()).isEqualTo(e.getValue());
            assertThat(x.outcome()).as(e.getKey()).isEqualTo("CLASSIFIED");
        }
    }

    @ParameterizedTest(name = "postgres={0}")
    @ValueSource(booleans = {true, false})
    void explain_staleJsonKey_showsRouteSqlBindsAndWhichFieldDiffers(boolean postgres) throws Exception {
        Contract contract = seed(postgres);
        Explanation x = explain(contract, "ex:acme:order:2", false);

        assertThat(x.driftClass()).isEqualTo(DriftClass.STALE);
        assertThat(x.reason()).isEqualTo("fields-differ");
        assertThat(x.route().outcome()).isEqualTo("CHECKED");
        assertThat(x.route().namespace()).isEqualTo("order");
        assertThat(x.route().tenant()).isEqualTo("acme");
        assertThat(x.route().tenantActive()).isTrue();
        assertThat(x.route().placeholders()).containsExactly(Map.entry("id", "2"));
        assertThat(x.stored()).startsWith("string, ");
        assertThat(x.decode()).extracting(Explanation.DecodeStep::step, Explanation.DecodeStep::produced)
                .containsExactly(tuple("json (valueType json)", "object (4 fields)"));
        assertThat(x.lookup().sql()).isEqualTo(postgres
                ? "SELECT id, status, total, updated_at FROM cc_explain.orders WHERE tenant_id = ? AND id = ANY(?)"
                : "SELECT id, status, total, updated_at FROM cc_explain.orders WHERE tenant_id = ? AND id IN (?)");
        assertThat(x.lookup().parameters()).extracting(Explanation.Parameter::name, Explanation.Parameter::value)
                .containsExactly(tuple("tenant_id", "acme"), tuple("id", postgres ? "{\"2\"}" : "2"));
        assertThat(x.lookup().rows()).isEqualTo(1);
        assertThat(x.fields()).extracting(Explanation.Field::field, Explanation.Field::comparedAs, Explanation.Field::equal)
                .containsExactly(tuple("status", "text", false), tuple("total", "number", true));
        Explanation.Field total = x.fields().get(1);
        assertThat(total.cacheType()).isEqualTo("number");
        assertThat(total.sourceType()).isEqualTo("number");
        assertThat(total.cacheDigest()).hasSize(12).isEqualTo(total.sourceDigest());
        assertThat(x.fields().get(0).cacheDigest()).isNotEqualTo(x.fields().get(0).sourceDigest());
        // the versions prove no write in flight (old row, same cached version): re-checked at once, as validate does
        assertThat(x.looks()).extracting(Explanation.Look::stage, Explanation.Look::driftClass)
                .containsExactly(tuple("batch", DriftClass.STALE), tuple("re-check", DriftClass.STALE));
        assertThat(x.finding().cacheDigest()).hasSize(64);
    }

    @Test
    void explain_withoutShowValues_holdsNoCachedOrSourceValue_andWithItShowsBoth() throws Exception {
        Contract contract = seed(true);
        Explanation hidden = explain(contract, "ex:acme:order:2", false);
        String text = ExplanationFormat.text(hidden);
        String json = ExplanationFormat.json(hidden);

        for (String out : List.of(text, json)) {
            assertThat(out).doesNotContain(ExplainData.CACHED_SECRET).doesNotContain(ExplainData.SOURCE_SECRET)
                    .doesNotContain("cached-secret").doesNotContain("source-secret");
        }
        assertThat(text).contains("status: DIFFERENT, compared as text").contains("values   not shown");

        Explanation shown = explain(contract, "ex:acme:order:2", true);
        assertThat(shown.fields().get(0).cacheValue()).isEqualTo("S" + ExplainData.CACHED_SECRET);
        assertThat(shown.fields().get(0).sourceValue()).isEqualTo("S" + ExplainData.SOURCE_SECRET);
        assertThat(ExplanationFormat.text(shown)).contains(ExplainData.CACHED_SECRET).contains(ExplainData.SOURCE_SECRET);
        assertThat(ExplanationFormat.json(shown)).contains(ExplainData.CACHED_SECRET).contains(ExplainData.SOURCE_SECRET);
    }

    @Test
    void explain_collectionWithoutShowValues_holdsNoMember_andWithItShowsTheCanonicalMembers() throws Exception {
        Contract contract = seed(true);
        Explanation hidden = explain(contract, "ex:acme:user:2:tags", false);

        assertThat(hidden.driftClass()).isEqualTo(DriftClass.STALE);
        assertThat(hidden.reason()).startsWith("members-differ");
        assertThat(hidden.stored()).isEqualTo("set, 1 member");
        assertThat(hidden.members().cachedCount()).isEqualTo(1);
        assertThat(hidden.members().sourceCount()).isEqualTo(2);
        assertThat(ExplanationFormat.json(hidden)).doesNotContain("churned").doesNotContain("vip");
        assertThat(ExplanationFormat.text(hidden)).doesNotContain("churned").doesNotContain("vip");

        Explanation shown = explain(contract, "ex:acme:user:2:tags", true);
        assertThat(shown.members().cached()).containsExactly("Svip");
        assertThat(shown.members().source()).containsExactlyInAnyOrder("Svip", "Schurned");
    }

    @Test
    void explain_decodeChains_listWhatEachStepProduced() throws Exception {
        Contract contract = seed(true);

        Explanation jdk = explain(contract, "ex:acme:jdk-order:4", false);
        assertThat(jdk.driftClass()).isEqualTo(DriftClass.STALE);
        assertThat(jdk.decode()).extracting(Explanation.DecodeStep::step, Explanation.DecodeStep::produced)
                .containsExactly(tuple("java", "object (4 fields)"), tuple("field check", "object (4 fields)"));
        assertThat(jdk.fields()).extracting(Explanation.Field::field, Explanation.Field::equal)
                .containsExactly(tuple("status", true), tuple("total", false));

        Explanation gz = explain(contract, "ex:acme:gz-order:1", false);
        assertThat(gz.driftClass()).isEqualTo(DriftClass.CONSISTENT);
        assertThat(gz.decode()).hasSize(2);
        assertThat(gz.decode().get(0).step()).isEqualTo("gzip");
        assertThat(gz.decode().get(0).produced()).matches("\\d+ bytes");
        assertThat(gz.decode().get(1)).isEqualTo(new Explanation.DecodeStep("json", "object (4 fields)", null));
        assertThat(gz.looks()).extracting(Explanation.Look::stage).containsExactly("batch");
    }

    @Test
    void explain_corruptValue_saysWhichDecodeStepFailedWithTheReasonValidateReports() throws Exception {
        Contract contract = seed(true);
        Explanation x = explain(contract, "ex:acme:gz-order:4", false);

        assertThat(x.driftClass()).isEqualTo(DriftClass.CORRUPT);
        assertThat(x.decode()).hasSize(1);
        assertThat(x.decode().get(0).step()).isEqualTo("gzip");
        assertThat(x.decode().get(0).failure()).isEqualTo(x.reason()).startsWith("gzip");
        // the row is still looked up and shown by type: a correct value would compare with it
        assertThat(x.lookup().rows()).isEqualTo(1);
        assertThat(x.fields()).extracting(Explanation.Field::cacheType, Explanation.Field::sourceType)
                .containsExactly(tuple(null, "text"), tuple(null, "number"));
    }

    @Test
    void explain_keyMatchingNoPattern_pointsAtTheNearestPatternAndWhereTheKeyDeparts() throws Exception {
        Contract contract = seed(true);
        Explanation x = explain(contract, "ex:acme:ordr:1", false);

        assertThat(x.driftClass()).isEqualTo(DriftClass.UNMAPPED);
        assertThat(x.reason()).isEqualTo("no-namespace");
        assertThat(x.route().matched()).isEmpty();
        Explanation.Nearest n = x.route().nearest();
        assertThat(n.namespace()).isEqualTo("order");
        assertThat(n.pattern()).isEqualTo("ex:{tenant_id}:order:{id}");
        assertThat(n.keyOffset()).isEqualTo(11);           // ex:acme:ord|r
        assertThat(n.pattern().charAt(n.patternOffset())).isEqualTo('e'); // ...:ord|er:
        assertThat(n.expected()).isEqualTo("expected \":order:\" after {tenant_id}");
        assertThat(n.found()).isEqualTo(":ordr:1");
        assertThat(x.lookup()).isNull();
    }

    @Test
    void explain_inactiveTenant_saysSoAndWhenThePatternTakesAnActiveTenantWithMore() throws Exception {
        Contract contract = seed(true);
        Explanation x = explain(contract, "ex:initech:order:1", false);
        assertThat(x.driftClass()).isEqualTo(DriftClass.UNMAPPED);
        assertThat(x.reason()).isEqualTo("inactive-tenant");
        assertThat(x.route().tenant()).isEqualTo("initech");
        assertThat(x.route().tenantActive()).isFalse();
        assertThat(x.route().hint()).contains("'initech'").contains("not among the 2 active tenants");

        // the known trap: keys with a part the pattern does not have ("v2:") make the tenant placeholder take it too,
        // and every key of the namespace is UNMAPPED inactive-tenant
        Explanation y = explain(contract, "ex:v2:acme:order:1", false);
        assertThat(y.reason()).isEqualTo("inactive-tenant");
        assertThat(y.route().tenant()).isEqualTo("v2:acme");
        assertThat(y.route().hint()).contains("contains the active tenant acme");
    }

    @Test
    void explain_withKeyRedaction_redactsTheKeyItsPlaceholdersAndTheirBindValues() throws Exception {
        Contract contract = seed(true);
        KeyRedactor redactor = KeyRedactor.hmac("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
        Explanation x = explainer(contract, redactor).explain(KeyText.parse("ex:acme:profile:" + ExplainData.EMAIL), false);

        assertThat(x.driftClass()).isEqualTo(DriftClass.CONSISTENT);
        assertThat(x.key()).startsWith("hmac:");
        assertThat(x.route().placeholders().get("email")).startsWith("hmac:");
        assertThat(x.lookup().parameters()).extracting(Explanation.Parameter::name, Explanation.Parameter::redacted)
                .containsExactly(tuple("tenant_id", false), tuple("email", true));
        assertThat(x.lookup().parameters().get(1).value()).startsWith("hmac:");
        assertThat(ExplanationFormat.text(x)).doesNotContain("ada.lovelace").doesNotContain("Ada Lovelace");
        assertThat(ExplanationFormat.json(x)).doesNotContain("ada.lovelace").doesNotContain("Ada Lovelace");
        assertThat(x.decode()).extracting(Explanation.DecodeStep::step).containsExactly("hash fields as text (valueType hash)");
    }

    @Test
    void explain_ignoredPrefixAndAmbiguousPatterns_sayWhatValidateDoesWithThem() throws Exception {
        Contract base = seed(true);
        String yaml = data.contract(server.port(), GRACE)
                .replace("cache: {url: \"redis://127.0.0.1:" + server.port() + "\"}",
                        "cache: {url: \"redis://127.0.0.1:" + server.port() + "\", ignoreKeyPrefixes: [\"other:\"]}")
                + """
                  - name: any_sku1
                    keyPattern: "ex:{tenant_id}:{kind}:SKU-1"
                    valueType: string
                    sql: SELECT sku AS kind, qty FROM cc_explain.stock WHERE tenant_id = :tenant_id AND sku IN (:kind)
                    column: qty
                """;
        Contract contract = ContractLoader.withEnvironment(k -> null).parse(yaml);
        assertThat(contract.namespaces()).hasSize(base.namespaces().size() + 1);
        try (Jedis redis = server.client()) {
            redis.set("other:session:1", "x");
        }

        Explanation ignored = explain(contract, "other:session:1", false);
        assertThat(ignored.driftClass()).isNull();
        assertThat(ignored.outcome()).isEqualTo("IGNORED");
        assertThat(ignored.route().outcome()).isEqualTo("IGNORED");

        Explanation ambiguous = explain(contract, "ex:acme:stock:SKU-1", false);
        assertThat(ambiguous.driftClass()).isEqualTo(DriftClass.UNMAPPED);
        assertThat(ambiguous.reason()).isEqualTo("ambiguous-namespace");
        assertThat(ambiguous.route().matched()).containsExactly("stock (ex:{tenant_id}:stock:{sku}, 10 literal bytes)",
                "any_sku1 (ex:{tenant_id}:{kind}:SKU-1, 10 literal bytes)");
        assertThat(ambiguous.route().hint()).contains("same number of literal bytes");
    }

    @Test
    void explain_keyNotInTheCache_saysAScanWouldNotSeeIt() throws Exception {
        Contract contract = seed(true);
        Explanation x = explain(contract, "ex:acme:order:4", false);
        assertThat(x.driftClass()).isNull();
        assertThat(x.outcome()).isEqualTo("KEY_MISSING");
        assertThat(x.stored()).isEqualTo("missing");
        assertThat(x.lookup().rows()).isEqualTo(1);
    }
}
