package io.cachecheck.check;

import io.cachecheck.cache.RedisNodes;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.error.ContractException;
import io.cachecheck.shard.ShardPlanner;
import io.cachecheck.source.JdbcSource;
import io.cachecheck.testing.DriftDataset;
import io.cachecheck.testing.RedisClusterProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine against the real local PostgreSQL, MariaDB and Redis (standalone and a 3-primary cluster). */
class ShardValidatorIT {
    static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String PG_WRAPPER_URL = "jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test";
    static final String MARIADB_URL = "jdbc:mariadb://127.0.0.1:3306/test";
    static final int REDIS_DB = 9;
    static final String SCHEMA = "cc_it_engine";

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    private static Connection pg() throws Exception {
        return DriverManager.getConnection(PG_URL, "postgres", "");
    }

    private UnifiedJedis standaloneRedis() {
        RedisClient redis = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", 6379))
                .clientConfig(DefaultJedisClientConfig.builder().database(REDIS_DB).build()).build();
        redis.flushDB();
        cleanup.add(redis::close);
        return redis;
    }

    private DriftDataset seedPostgres(UnifiedJedis redis) throws Exception {
        DriftDataset data = new DriftDataset(SCHEMA, true, "it:");
        try (Connection db = pg()) {
            data.seed(db, redis);
        }
        cleanup.add(() -> {
            try (Connection db = pg()) {
                data.dropSchema(db);
            }
        });
        return data;
    }

    /** Runs every work item of the contract and merges the findings. */
    private static List<ShardResult> validateAll(Contract contract, ProgressListener progress) {
        SecretResolver secrets = SecretResolver.withEnvironment(k -> null);
        RedisNodes nodes = RedisNodes.discover(contract.cache(), secrets);
        ShardPlanner.Tenants tenants;
        try (JdbcSource source = new JdbcSource(contract.source(), secrets, 1, 10)) {
            tenants = ShardPlanner.discover(contract, source);
        }
        List<ShardResult> results = new ArrayList<>();
        for (ShardWorkItem item : ShardPlanner.plan(tenants, null, nodes.coverage())) {
            results.add(new ShardValidator(contract, nodes, secrets).validate(item, tenants.ids(), null, progress));
        }
        return results;
    }

    private static Set<DriftDataset.Expected> findings(List<ShardResult> results) {
        Set<DriftDataset.Expected> out = new HashSet<>();
        for (ShardResult r : results) {
            for (Finding f : r.findings()) {
                out.add(new DriftDataset.Expected(f.tenant(), f.namespace(), f.key(), f.driftClass()));
            }
        }
        return out;
    }

    private static Verdict verdict(List<ShardResult> results) {
        return results.stream().map(ShardResult::verdict).reduce(Verdict.CONSISTENT, Verdict::and);
    }

    private static Contract contract(DriftDataset data, String redisUrl, String jdbcUrl, boolean cluster, String extra) {
        return ContractLoader.withEnvironment(k -> null).parse(data.contract(redisUrl, jdbcUrl, cluster, extra));
    }

    private static void assertExact(DriftDataset data, List<ShardResult> results) {
        assertThat(findings(results)).as("skipped: %s", results.stream().flatMap(r -> r.skipped().stream()).toList())
                .containsExactlyInAnyOrderElementsOf(data.expected());
        assertThat(verdict(results)).isEqualTo(Verdict.DRIFT);
        for (ShardResult r : results) {
            assertThat(r.skipped()).isEmpty();
            for (TenantNamespaceResult t : r.results()) {
                if (!r.shardId().contains(".node-")) {
                    assertThat(t.keysChecked()).as(t.tenant() + "/" + t.namespace()).isEqualTo(data.keysChecked(t.tenant(), t.namespace()));
                }
                long injected = data.expected().stream().filter(e -> t.tenant().equals(e.tenant()) && t.namespace().equals(e.namespace())).count();
                assertThat(t.drifted()).as(t.tenant() + "/" + t.namespace()).isLessThanOrEqualTo(injected);
            }
        }
    }

    /** Nothing skipped, and every seeded key of every tenant and namespace checked (single-node runs). */
    private static void assertEveryKeyChecked(DriftDataset data, List<ShardResult> results) {
        for (ShardResult r : results) {
            assertThat(r.skipped()).isEmpty();
            for (TenantNamespaceResult t : r.results()) {
                assertThat(t.keysChecked()).as(t.tenant() + "/" + t.namespace()).isEqualTo(data.keysChecked(t.tenant(), t.namespace()));
            }
        }
    }

    @Test
    void validate_postgresAndStandaloneRedis_findsExactlyTheInjectedDrift() throws Exception {
        UnifiedJedis redis = standaloneRedis();
        DriftDataset data = seedPostgres(redis);
        List<ShardResult> results = validateAll(contract(data, "redis://127.0.0.1:6379/" + REDIS_DB, PG_WRAPPER_URL, false, null), null);
        assertExact(data, results);
        long drifted = results.stream().flatMap(r -> r.results().stream()).mapToLong(TenantNamespaceResult::drifted).sum();
        assertThat(drifted).isEqualTo(data.expected().stream().filter(e -> e.driftClass() != DriftClass.UNMAPPED).count());
        Finding stale = results.stream().flatMap(r -> r.findings().stream())
                .filter(f -> f.key().equals("it:t:acme:order:3")).findFirst().orElseThrow();
        assertThat(stale.fields()).containsExactly("status");
        assertThat(stale.cacheDigest()).hasSize(64).isNotEqualTo(stale.sourceDigest());
        assertThat(stale.cacheVersion()).isEqualTo(stale.sourceVersion());
        assertThat(results.stream().mapToLong(r -> r.count(DriftClass.UNMAPPED)).sum()).isEqualTo(4);
    }

    @Test
    void validate_whenVersionFieldIsMistyped_staleFindingsSayTheVersionRuleCouldNotApply() throws Exception {
        UnifiedJedis redis = standaloneRedis();
        DriftDataset data = seedPostgres(redis);
        String yaml = data.contract("redis://127.0.0.1:6379/" + REDIS_DB, PG_WRAPPER_URL, false, null)
                .replace("version: {field: updatedAt,", "version: {field: updatedAtt,");
        List<ShardResult> results = validateAll(ContractLoader.withEnvironment(k -> null).parse(yaml), null);
        assertThat(findings(results)).containsExactlyInAnyOrderElementsOf(data.expected());
        Finding stale = results.stream().flatMap(r -> r.findings().stream())
                .filter(f -> f.key().equals("it:t:acme:order:3")).findFirst().orElseThrow();
        assertThat(stale.reason()).isEqualTo("fields-differ; version-field-absent: updatedAtt");
    }

    /**
     * Batching paths that must not lose or repeat a key: a buffer of 8 keys for 4-key batches (the fullest groups are
     * sent at almost every SCAN page), and small groups sharing one lookup (every group holds fewer than half of 64
     * keys, so all are combined per namespace).
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"  batchSize: 4\n  maxBufferedKeys: 8\n  scanCount: 10",
            "  batchSize: 64\n  combineMinTenants: 0"})
    void validate_withOverflowingBufferOrSharedLookups_findsExactlyTheInjectedDrift(String checkSettings) throws Exception {
        UnifiedJedis redis = standaloneRedis();
        DriftDataset data = seedPostgres(redis);
        List<ShardResult> results = validateAll(contract(data, "redis://127.0.0.1:6379/" + REDIS_DB, PG_WRAPPER_URL, false,
                checkSettings), null);
        assertExact(data, results);
    }

    @Test
    void validate_whenSmallGroupsShareOneLookupAndAKeyValueIsRefused_reportsThatKeyAndChecksTheRest() throws Exception {
        UnifiedJedis redis = standaloneRedis();
        DriftDataset data = seedPostgres(redis);
        String bad = data.prefix() + "t:acme:order:abc";
        redis.set(bad, DriftDataset.orderJson(0, 1, Map.of()));
        List<ShardResult> results = validateAll(contract(data, "redis://127.0.0.1:6379/" + REDIS_DB, PG_WRAPPER_URL, false,
                "  batchSize: 64\n  combineMinTenants: 0"), null);
        Set<DriftDataset.Expected> expected = new HashSet<>(data.expected());
        expected.add(new DriftDataset.Expected("acme", "order", bad, DriftClass.UNMAPPED));
        assertThat(findings(results)).containsExactlyInAnyOrderElementsOf(expected);
        assertEveryKeyChecked(data, results);
    }

    @Test
    void validate_whenKeyPrefixIgnored_skipsOtherApplicationsKeys() throws Exception {
        UnifiedJedis redis = standaloneRedis();
        DriftDataset data = seedPostgres(redis);
        String yaml = data.contract("redis://127.0.0.1:6379/" + REDIS_DB, PG_WRAPPER_URL, false, null)
                .replace("  mode: standalone", "  mode: standalone\n  ignoreKeyPrefixes: [\"it:junk:\"]");
        List<ShardResult> results = validateAll(ContractLoader.withEnvironment(k -> null).parse(yaml), null);
        Set<DriftDataset.Expected> expected = new HashSet<>(data.expected());
        expected.removeIf(e -> e.key().startsWith("it:junk:"));
        assertThat(findings(results)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(results.stream().mapToLong(ShardResult::keysIgnored).max().orElseThrow()).isEqualTo(1);
    }

    @Test
    void validate_whenTheDatabaseHoldsNoKeyOrOnlyIgnoredOnes_isIncompleteNotConsistent() throws Exception {
        UnifiedJedis redis = standaloneRedis();
        DriftDataset data = seedPostgres(redis);
        redis.flushDB(); // as if cache.url named the wrong database number
        String yaml = data.contract("redis://127.0.0.1:6379/" + REDIS_DB, PG_WRAPPER_URL, false, null)
                .replace("  mode: standalone", "  mode: standalone\n  ignoreKeyPrefixes: [\"sess:\"]");
        Contract contract = ContractLoader.withEnvironment(k -> null).parse(yaml);

        List<ShardResult> empty = validateAll(contract, null);
        redis.set("sess:abc", "x");
        List<ShardResult> onlyIgnored = validateAll(contract, null);

        assertThat(empty).allSatisfy(r -> {
            assertThat(r.verdict()).isEqualTo(Verdict.INCOMPLETE);
            assertThat(r.skipped()).isNotEmpty().allSatisfy(k -> assertThat(k.reason()).startsWith("empty-keyspace: SCAN returned no key at all"));
        });
        assertThat(onlyIgnored).allSatisfy(r -> {
            assertThat(r.verdict()).isEqualTo(Verdict.INCOMPLETE);
            assertThat(r.skipped()).isNotEmpty().allSatisfy(k -> assertThat(k.reason()).startsWith("empty-keyspace: SCAN returned no key but ignored ones (1,"));
        });
    }

    @Test
    void validate_whenRedisRefusesTheGivenPassword_isIncompleteAndSaysToCheckCacheAuth() throws Exception {
        UnifiedJedis redis = standaloneRedis();
        DriftDataset data = seedPostgres(redis);
        // the local Redis has no password: AUTH with one is refused ("ERR AUTH ... without any password configured")
        String yaml = data.contract("redis://127.0.0.1:6379/" + REDIS_DB, PG_WRAPPER_URL, false, null)
                .replace("  mode: standalone", "  mode: standalone\n  auth: {passwordEnv: CC_IT_REDIS_PASSWORD}");
        Contract contract = ContractLoader.withEnvironment(k -> null).parse(yaml);
        SecretResolver secrets = SecretResolver.withEnvironment(k -> k.equals("CC_IT_REDIS_PASSWORD") ? "not-the-password" : null);
        RedisNodes nodes = RedisNodes.discover(contract.cache(), secrets);
        ShardPlanner.Tenants tenants;
        try (JdbcSource source = new JdbcSource(contract.source(), secrets, 1, 10)) {
            tenants = ShardPlanner.discover(contract, source);
        }
        ShardWorkItem item = ShardPlanner.plan(tenants, null, nodes.coverage()).get(0);

        ShardResult result = new ShardValidator(contract, nodes, secrets).validate(item, tenants.ids(), null, null);

        assertThat(result.verdict()).isEqualTo(Verdict.INCOMPLETE);
        assertThat(result.skipped()).isNotEmpty().allSatisfy(k -> assertThat(k.reason())
                .contains("the server has no password set, but cache.auth gives one").doesNotContain("not-the-password"));
    }

    @Test
    void validate_whenAnIgnorePrefixOverlapsANamespace_stillChecksEveryTenantKey() throws Exception {
        UnifiedJedis redis = standaloneRedis();
        DriftDataset data = seedPostgres(redis);
        // "<prefix>t:" covers every tenant key of the contract: ignoring them would call unchecked drift consistent
        String yaml = data.contract("redis://127.0.0.1:6379/" + REDIS_DB, PG_WRAPPER_URL, false, null)
                .replace("  mode: standalone", "  mode: standalone\n  ignoreKeyPrefixes: [\"it:junk:\", \"" + data.prefix() + "t:\"]");
        List<ShardResult> results = validateAll(ContractLoader.withEnvironment(k -> null).parse(yaml), null);
        Set<DriftDataset.Expected> expected = new HashSet<>(data.expected());
        // keys of inactive or unknown tenants under that prefix are not the contract's business: those are ignored
        expected.removeIf(e -> e.key().startsWith("it:junk:")
                || e.driftClass() == DriftClass.UNMAPPED && e.key().startsWith(data.prefix() + "t:"));
        assertThat(findings(results)).containsExactlyInAnyOrderElementsOf(expected);
        assertEveryKeyChecked(data, results);
    }

    @Test
    void validate_whenKeyValueIsInvalidForTheKeyColumn_reportsThatKeyAndChecksTheRest() throws Exception {
        UnifiedJedis redis = standaloneRedis();
        DriftDataset data = seedPostgres(redis);
        // order_id is BIGINT: PostgreSQL refuses 'abc' (SQLState 22P02) for the whole batch it is in
        String bad = data.prefix() + "t:acme:order:abc";
        String overflow = data.prefix() + "t:globex:order:99999999999999999999";
        redis.set(bad, DriftDataset.orderJson(0, 1, Map.of()));
        redis.set(overflow, DriftDataset.orderJson(1, 2, Map.of()));
        List<ShardResult> results = validateAll(contract(data, "redis://127.0.0.1:6379/" + REDIS_DB, PG_WRAPPER_URL, false, null), null);
        Set<DriftDataset.Expected> expected = new HashSet<>(data.expected());
        expected.add(new DriftDataset.Expected("acme", "order", bad, DriftClass.UNMAPPED));
        expected.add(new DriftDataset.Expected("globex", "order", overflow, DriftClass.UNMAPPED));
        assertThat(findings(results)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(results.stream().flatMap(r -> r.findings().stream()).filter(f -> f.key().equals(bad)).findFirst().orElseThrow().reason())
                .isEqualTo("key-value-rejected-by-source (SQLState 22P02)");
        assertThat(results.stream().flatMap(r -> r.findings().stream()).filter(f -> f.key().equals(overflow)).findFirst().orElseThrow().reason())
                .startsWith("key-value-rejected-by-source (SQLState 22");
        assertThat(verdict(results)).isEqualTo(Verdict.DRIFT);
        assertEveryKeyChecked(data, results);
    }

    @Test
    void validate_throughPgBouncerInTransactionMode_fallsBackToUnnamedStatementsAndFindsExactlyTheInjectedDrift() throws Exception {
        java.util.Optional<java.nio.file.Path> binary = io.cachecheck.testing.PgBouncerProcess.binary();
        org.junit.jupiter.api.Assumptions.assumeTrue(binary.isPresent(), "pgbouncer is not installed (apt-get install pgbouncer)");
        UnifiedJedis redis = standaloneRedis();
        DriftDataset data = seedPostgres(redis);
        // two server connections shared by three clients (two workers and the scanner): named statements land on
        // server connections where they do not exist, or already exist
        io.cachecheck.testing.PgBouncerProcess bouncer = io.cachecheck.testing.PgBouncerProcess.start(binary.get(), 2);
        cleanup.add(bouncer);
        String url = "jdbc:aws-wrapper:postgresql://127.0.0.1:" + bouncer.port() + "/test?wrapperPlugins=";
        List<ShardResult> results = validateAll(contract(data, "redis://127.0.0.1:6379/" + REDIS_DB, url, false,
                "  parallelism: 2\n  batchSize: 4"), null);
        assertExact(data, results);
    }

    @Test
    void validate_whenKeysExpireBetweenScanAndRead_doesNotCountThemAsDrift() throws Exception {
        UnifiedJedis redis = standaloneRedis();
        DriftDataset data = seedPostgres(redis);
        Contract contract = contract(data, "redis://127.0.0.1:6379/" + REDIS_DB, PG_WRAPPER_URL, false, null);
        AtomicBoolean deleted = new AtomicBoolean();
        // acme's 5 flag keys never fill a batch of 16, so they are read only after the scan ends: deleting them once
        // every key has been scanned makes them expire between the scan and the read.
        ProgressListener expireFlags = (scanned, estimated) -> {
            if (scanned >= estimated && deleted.compareAndSet(false, true)) {
                for (int k = 1; k <= DriftDataset.FLAGS; k++) {
                    redis.del("it:t:acme:flag:f" + k);
                }
            }
        };
        List<ShardResult> results = validateAll(contract, expireFlags);
        assertThat(deleted).isTrue();
        TenantNamespaceResult acmeFlags = results.stream().flatMap(r -> r.results().stream())
                .filter(t -> t.tenant().equals("acme") && t.namespace().equals("flag")).findFirst().orElseThrow();
        assertThat(acmeFlags.expired()).isEqualTo(DriftDataset.FLAGS);
        assertThat(acmeFlags.keysChecked()).isZero();
        assertThat(acmeFlags.drifted()).isZero();
        assertThat(findings(results)).containsExactlyInAnyOrderElementsOf(data.expected());
        assertThat(results.stream().mapToLong(ShardResult::expired).sum()).isEqualTo(DriftDataset.FLAGS);
    }

    @Test
    void validate_twice_givesSameOrderIndependentDigests() throws Exception {
        UnifiedJedis redis = standaloneRedis();
        DriftDataset data = seedPostgres(redis);
        Contract contract = contract(data, "redis://127.0.0.1:6379/" + REDIS_DB, PG_WRAPPER_URL, false, null);
        Map<String, String> first = digests(validateAll(contract, null));
        Map<String, String> second = digests(validateAll(contract.withCheck(contract.check()), null));
        assertThat(second).isEqualTo(first).hasSize(DriftDataset.TENANTS.size() * 3);
        // a consistent tenant/namespace has equal cache and source digests; a drifted one does not
        ShardResult any = validateAll(contract, null).get(0);
        for (TenantNamespaceResult t : any.results()) {
            assertThat(t.cacheDigest().equals(t.sourceDigest())).as(t.tenant() + "/" + t.namespace()).isEqualTo(t.drifted() == 0);
        }
    }

    private static Map<String, String> digests(List<ShardResult> results) {
        return results.stream().flatMap(r -> r.results().stream())
                .collect(Collectors.toMap(t -> t.tenant() + "/" + t.namespace(), t -> t.cacheDigest() + "/" + t.sourceDigest()));
    }

    /**
     * Three ways a key could escape the check: a namespace shadowed by a broader pattern listed before it, a source
     * version dated in the future (always "newer", so always IN_FLIGHT), and a writer that keeps rewriting a stale
     * value with only an ignored field changed (always "changed during the check").
     */
    @Test
    void validate_shadowedNamespace_futureVersion_andIgnoredFieldRewrites_areStillChecked() throws Exception {
        UnifiedJedis redis = standaloneRedis();
        try (Connection db = DriverManager.getConnection(PG_URL, "postgres", ""); Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS cc_it_routing CASCADE");
            st.execute("CREATE SCHEMA cc_it_routing");
            st.execute("CREATE TABLE cc_it_routing.tenants (tenant_id text PRIMARY KEY)");
            st.execute("INSERT INTO cc_it_routing.tenants VALUES ('acme')");
            st.execute("CREATE TABLE cc_it_routing.product (tenant_id text, id bigint, name text, title text, updated_at timestamptz,"
                    + " PRIMARY KEY (tenant_id, id))");
            st.execute("INSERT INTO cc_it_routing.product VALUES ('acme', 1, 'one', 'First', now() - interval '1 day'),"
                    + " ('acme', 2, 'two', 'Second', now() + interval '2 hours'), ('acme', 3, 'three', 'Third', now() - interval '1 day')");
        }
        cleanup.add(() -> {
            try (Connection db = DriverManager.getConnection(PG_URL, "postgres", ""); Statement st = db.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS cc_it_routing CASCADE");
            }
        });
        String old = "2020-01-01T00:00:00Z";
        redis.set("rt:acme:product:1", "{\"name\":\"one\",\"updated_at\":\"" + old + "\"}");
        redis.set("rt:acme:product:1:title", "First");
        redis.set("rt:acme:product:2", "{\"name\":\"stale\",\"updated_at\":\"" + old + "\"}");
        redis.set("rt:acme:product:3", "{\"name\":\"stale too\",\"updated_at\":\"" + old + "\",\"cached_at\":0}");
        String yaml = """
                version: 1
                cache: {url: "redis://127.0.0.1:6379/%d"}
                source: {url: "%s", auth: {username: postgres}}
                tenants: {sql: SELECT tenant_id FROM cc_it_routing.tenants}
                check: {graceMillis: 600}
                namespaces:
                  - name: product
                    keyPattern: "rt:{tenant_id}:product:{id}"
                    valueType: json
                    sql: SELECT id, name, updated_at FROM cc_it_routing.product WHERE tenant_id = :tenant_id AND id IN (:id)
                    fields: {name: name}
                    ignore: [cached_at]
                    version: {field: updated_at, column: updated_at}
                  - name: title
                    keyPattern: "rt:{tenant_id}:product:{id}:title"
                    valueType: string
                    sql: SELECT id, title FROM cc_it_routing.product WHERE tenant_id = :tenant_id AND id IN (:id)
                    column: title
                """.formatted(REDIS_DB, PG_WRAPPER_URL);
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread rewriter = new Thread(() -> {
            try (Jedis writer = new Jedis("127.0.0.1", 6379)) {
                writer.select(REDIS_DB);
                for (int i = 1; writing.get(); i++) {
                    writer.set("rt:acme:product:3", "{\"name\":\"stale too\",\"updated_at\":\"" + old + "\",\"cached_at\":" + i + "}");
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        rewriter.start();
        List<ShardResult> results;
        try {
            results = validateAll(ContractLoader.withEnvironment(k -> null).parse(yaml), null);
        } finally {
            writing.set(false);
            rewriter.join();
        }

        List<Finding> found = results.stream().flatMap(r -> r.findings().stream()).toList();
        assertThat(found).extracting(Finding::key, Finding::driftClass).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("rt:acme:product:2", DriftClass.STALE),
                org.assertj.core.groups.Tuple.tuple("rt:acme:product:3", DriftClass.STALE));
        assertThat(found).filteredOn(f -> f.key().equals("rt:acme:product:2")).singleElement()
                .satisfies(f -> assertThat(f.reason()).contains("source-version-in-the-future"));
        // the title key was checked in its own namespace, not as a corrupt "product"
        assertThat(results.stream().flatMap(r -> r.results().stream()).filter(t -> t.namespace().equals("title"))
                .mapToLong(TenantNamespaceResult::keysChecked).sum()).isEqualTo(1);
    }

    /**
     * A table shared by all tenants still binds the tenant placeholder (the loader refuses a query that does not), in
     * the always-true form docs/contract.md gives: it must run on each database, in the plain, array and combined
     * query shapes.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {PG_WRAPPER_URL, "jdbc:aws-wrapper:mariadb://127.0.0.1:3306/test"})
    void validate_sharedTableBindingTheTenantAsDocumented_checksEveryTenantsKeys(String jdbcUrl) throws Exception {
        UnifiedJedis redis = standaloneRedis();
        boolean postgres = jdbcUrl.contains(":postgresql:");
        String plainUrl = postgres ? PG_URL : MARIADB_URL;
        String user = postgres ? "postgres" : "root";
        try (Connection db = DriverManager.getConnection(plainUrl, user, ""); Statement st = db.createStatement()) {
            st.execute("DROP TABLE IF EXISTS cc_it_shared_currencies");
            st.execute("DROP TABLE IF EXISTS cc_it_shared_tenants");
            st.execute("CREATE TABLE cc_it_shared_tenants (tenant_id VARCHAR(32) PRIMARY KEY)");
            st.execute("INSERT INTO cc_it_shared_tenants VALUES ('acme'), ('globex')");
            st.execute("CREATE TABLE cc_it_shared_currencies (code VARCHAR(3) PRIMARY KEY, name VARCHAR(32))");
            st.execute("INSERT INTO cc_it_shared_currencies VALUES ('EUR', 'Euro'), ('USD', 'Dollar')");
        }
        cleanup.add(() -> {
            try (Connection db = DriverManager.getConnection(plainUrl, user, ""); Statement st = db.createStatement()) {
                st.execute("DROP TABLE IF EXISTS cc_it_shared_currencies");
                st.execute("DROP TABLE IF EXISTS cc_it_shared_tenants");
            }
        });
        redis.set("sh:acme:currency:EUR", "{\"name\":\"Euro\"}");
        redis.set("sh:globex:currency:EUR", "{\"name\":\"Euro\"}");
        redis.set("sh:globex:currency:USD", "{\"name\":\"Dollar!\"}");
        for (String check : new String[] {"{graceMillis: 0}", "{graceMillis: 0, combineMinTenants: 0}"}) {
            String yaml = """
                    version: 1
                    cache: {url: "redis://127.0.0.1:6379/%d"}
                    source: {url: "%s", auth: {username: %s}}
                    tenants: {sql: SELECT tenant_id FROM cc_it_shared_tenants}
                    check: %s
                    namespaces:
                      - name: currency
                        keyPattern: "sh:{tenant_id}:currency:{code}"
                        valueType: json
                        sql: SELECT code, name FROM cc_it_shared_currencies WHERE :tenant_id <> '' AND code IN (:code)
                        fields: {name: name}
                    """.formatted(REDIS_DB, jdbcUrl, user, check);
            List<ShardResult> results = validateAll(ContractLoader.withEnvironment(k -> null).parse(yaml), null);
            assertThat(results).allSatisfy(r -> assertThat(r.skipped()).isEmpty());
            assertThat(findings(results)).as(check)
                    .containsExactly(new DriftDataset.Expected("globex", "currency", "sh:globex:currency:USD", DriftClass.STALE));
            assertThat(results.stream().flatMap(r -> r.results().stream()).mapToLong(TenantNamespaceResult::keysChecked).sum())
                    .as(check).isEqualTo(3);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"jdbc:aws-wrapper:mariadb://127.0.0.1:3306/test",
            "jdbc:aws-wrapper:mysql://127.0.0.1:3306/test"})
    void validate_mariadbDatetime3_comparesMillisecondsWithEitherDriver(String jdbcUrl) throws Exception {
        UnifiedJedis redis = standaloneRedis();
        try (Connection db = DriverManager.getConnection(MARIADB_URL, "root", ""); Statement st = db.createStatement()) {
            st.execute("DROP TABLE IF EXISTS cc_it_ts_events");
            st.execute("DROP TABLE IF EXISTS cc_it_ts_tenants");
            st.execute("CREATE TABLE cc_it_ts_tenants (tenant_id VARCHAR(32) PRIMARY KEY)");
            st.execute("INSERT INTO cc_it_ts_tenants VALUES ('acme')");
            st.execute("CREATE TABLE cc_it_ts_events (tenant_id VARCHAR(32), id BIGINT, at DATETIME(3), PRIMARY KEY (tenant_id, id))");
            st.execute("INSERT INTO cc_it_ts_events VALUES ('acme', 1, '2026-02-01 12:00:00.500'), ('acme', 2, '2026-02-01 12:00:00.500')");
        }
        cleanup.add(() -> {
            try (Connection db = DriverManager.getConnection(MARIADB_URL, "root", ""); Statement st = db.createStatement()) {
                st.execute("DROP TABLE IF EXISTS cc_it_ts_events");
                st.execute("DROP TABLE IF EXISTS cc_it_ts_tenants");
            }
        });
        redis.set("ts:acme:event:1", "{\"at\":\"2026-02-01T12:00:00.500Z\"}");
        redis.set("ts:acme:event:2", "{\"at\":\"2026-02-01T12:00:00.999Z\"}");
        String yaml = """
                version: 1
                cache: {url: "redis://127.0.0.1:6379/%d"}
                source: {url: "%s", auth: {username: root}}
                tenants: {sql: SELECT tenant_id FROM cc_it_ts_tenants}
                check: {graceMillis: 0}
                namespaces:
                  - name: event
                    keyPattern: "ts:{tenant_id}:event:{id}"
                    valueType: json
                    sql: SELECT id, at FROM cc_it_ts_events WHERE tenant_id = :tenant_id AND id IN (:id)
                    fields: {at: at}
                """.formatted(REDIS_DB, jdbcUrl);
        List<ShardResult> results = validateAll(ContractLoader.withEnvironment(k -> null).parse(yaml), null);
        // MySQL Connector/J reports scale 0 for DATETIME(3); read as 0 digits, .999 would equal .500
        assertThat(findings(results)).containsExactly(new DriftDataset.Expected("acme", "event", "ts:acme:event:2", DriftClass.STALE));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"jdbc:aws-wrapper:mariadb://127.0.0.1:3306/test",
            "jdbc:aws-wrapper:mysql://127.0.0.1:3306/test"})
    void validate_mariadbServer_withMariadbOrMysqlDriver_findsExactlyTheInjectedDrift(String jdbcUrl) throws Exception {
        UnifiedJedis redis = standaloneRedis();
        DriftDataset data = new DriftDataset("cc_it_engine", false, "it:");
        try (Connection db = DriverManager.getConnection(MARIADB_URL, "root", "")) {
            data.seed(db, redis);
        }
        cleanup.add(() -> {
            try (Connection db = DriverManager.getConnection(MARIADB_URL, "root", "")) {
                data.dropSchema(db);
            }
        });
        List<ShardResult> results = validateAll(contract(data, "redis://127.0.0.1:6379/" + REDIS_DB, jdbcUrl, false, null), null);
        assertExact(data, results);
    }

    @Test
    void validate_redisClusterOfThreePrimaries_scansEveryNodeOnce() throws Exception {
        RedisClusterProcess cluster = RedisClusterProcess.start(3);
        cleanup.add(cluster);
        Set<HostAndPort> seeds = Set.of(new HostAndPort("127.0.0.1", cluster.ports().get(0)));
        RedisClusterClient redis = RedisClusterClient.builder().nodes(seeds).build();
        cleanup.add(redis::close);
        DriftDataset data = seedPostgres(redis);
        Contract contract = contract(data, cluster.url(), PG_WRAPPER_URL, true, null);
        List<ShardResult> results = validateAll(contract, null);
        // one item per (hash shard, node)
        long shards = results.stream().map(r -> r.shardId().substring(0, r.shardId().indexOf(".node-"))).distinct().count();
        assertThat(results).hasSize((int) shards * 3);
        assertExact(data, results);
        long scannedPerShard = results.stream().filter(r -> r.shardId().startsWith("shard-0")).mapToLong(ShardResult::keysScanned).sum();
        long total = 0;
        for (int port : cluster.ports()) {
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                total += j.dbSize();
            }
        }
        assertThat(scannedPerShard).as("each shard scans the keyspace exactly once").isEqualTo(total);
        for (DriftDataset.Expected e : data.expected()) {
            if (e.tenant() != null && e.namespace() != null) {
                long sum = results.stream().flatMap(r -> r.results().stream())
                        .filter(t -> t.tenant().equals(e.tenant()) && t.namespace().equals(e.namespace()))
                        .mapToLong(TenantNamespaceResult::keysChecked).sum();
                assertThat(sum).isEqualTo(data.keysChecked(e.tenant(), e.namespace()));
            }
        }
    }

    @Test
    void validate_redisClusterReadFromReplicas_scansTheReplicasAndFindsTheSameDrift() throws Exception {
        RedisClusterProcess cluster = RedisClusterProcess.start(3, 1);
        cleanup.add(cluster);
        RedisClusterClient redis = RedisClusterClient.builder()
                .nodes(Set.of(new HostAndPort("127.0.0.1", cluster.ports().get(0)))).build();
        cleanup.add(redis::close);
        DriftDataset data = seedPostgres(redis);
        // wait until every replica has the primaries' writes
        List<HostAndPort> replicas = new ArrayList<>();
        for (int port : cluster.ports()) {
            try (Jedis node = new Jedis("127.0.0.1", port, 5000)) {
                if (node.info("replication").contains("role:master")) {
                    long acknowledged = 0;
                    for (int attempt = 0; attempt < 30 && acknowledged < 1; attempt++) {
                        acknowledged = node.waitReplicas(1, 1000); // the replica may still be in its first sync
                    }
                    assertThat(acknowledged).isEqualTo(1);
                } else {
                    replicas.add(new HostAndPort("127.0.0.1", port));
                }
            }
        }
        // and until the seed's view of the topology (gossip) knows every replica, and every replica knows its primary
        try (Jedis seed = new Jedis("127.0.0.1", cluster.ports().get(0), 5000)) {
            for (int attempt = 0; attempt < 100 && seed.clusterNodes().split("slave").length - 1 < 3; attempt++) {
                Thread.sleep(100);
            }
        }
        for (HostAndPort replica : replicas) {
            try (Jedis node = new Jedis(replica, DefaultJedisClientConfig.builder().timeoutMillis(5000).build())) {
                for (int attempt = 0; attempt < 100 && !replicaServesItsSlots(node); attempt++) {
                    Thread.sleep(100);
                }
            }
        }
        String yaml = data.contract(cluster.url(), PG_WRAPPER_URL, true, null).replace("  mode: cluster", "  mode: cluster\n  readFrom: replicas");
        Contract contract = ContractLoader.withEnvironment(k -> null).parse(yaml);
        RedisNodes nodes = RedisNodes.discover(contract.cache(), SecretResolver.withEnvironment(k -> null));
        assertThat(nodes.nodes()).containsExactlyInAnyOrderElementsOf(replicas).hasSize(3);
        // A replica that answers MOVED (its slot table still lagging after the cluster formed) makes the run
        // INCOMPLETE, which is the correct answer; once the cluster has settled the result must be exact.
        List<ShardResult> results = validateAll(contract, null);
        for (int attempt = 0; attempt < 5 && verdict(results) == Verdict.INCOMPLETE; attempt++) {
            assertThat(results.stream().flatMap(r -> r.skipped().stream()).map(Skipped::reason))
                    .allMatch(reason -> reason.startsWith("cache-unavailable") && reason.contains("MOVED"));
            Thread.sleep(1000);
            results = validateAll(contract, null);
        }
        // Seen on a loaded 2-core machine: a freshly created cluster where one replica keeps answering MOVED. The
        // safe answer (INCOMPLETE, naming MOVED) is asserted above; exactness needs a cluster that has settled.
        org.junit.jupiter.api.Assumptions.assumeTrue(verdict(results) != Verdict.INCOMPLETE,
                "the test cluster's replicas never served their slots; the run was correctly INCOMPLETE");
        assertExact(data, results);
    }

    /**
     * Whether a replica serves READONLY reads of every key it holds. Right after a cluster forms, a replica can still
     * answer MOVED for a while (its slot table lags); the validator would then, correctly, report INCOMPLETE.
     */
    private static boolean replicaServesItsSlots(Jedis replica) {
        try {
            if (!replica.info("replication").contains("master_link_status:up")) {
                return false;
            }
            replica.readonly();
            String cursor = "0";
            do {
                var page = replica.scan(cursor.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        new redis.clients.jedis.params.ScanParams().count(1000));
                for (byte[] key : page.getResult()) {
                    replica.type(key); // answers MOVED while the replica does not serve the key's slot
                }
                cursor = page.getCursor();
            } while (!cursor.equals("0"));
            return true;
        } catch (redis.clients.jedis.exceptions.JedisDataException moved) {
            return false;
        }
    }

    @Test
    void validate_whenWriterUpdatesRowsAndCacheDuringCheck_neverReportsItsKeysStale() throws Exception {
        UnifiedJedis redis = standaloneRedis();
        DriftDataset data = seedPostgres(redis);
        Contract contract = contract(data, "redis://127.0.0.1:6379/" + REDIS_DB, PG_WRAPPER_URL, false,
                "  graceMillis: 400\n  batchSize: 4\n  scanCount: 10\n");
        AtomicBoolean stop = new AtomicBoolean();
        Set<String> written = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Thread writer = new Thread(() -> {
            try (Connection db = pg(); java.sql.PreparedStatement ps = db.prepareStatement(
                    "UPDATE " + SCHEMA + ".orders SET status = ?, updated_at = ? WHERE tenant_id = 'acme' AND order_id = ?")) {
                int round = 0;
                while (!stop.get()) {
                    for (int i = 20; i <= 29 && !stop.get(); i++) {
                        Instant now = Instant.now();
                        String status = "v" + round;
                        ps.setString(1, status);
                        ps.setObject(2, now.atOffset(java.time.ZoneOffset.UTC));
                        ps.setLong(3, i);
                        ps.executeUpdate();
                        Thread.sleep(3); // the cache is refreshed just after the row, as a cache-aside writer does
                        String json = DriftDataset.orderJson(0, i, Map.of("status", "\"" + status + "\"",
                                "updatedAt", "\"" + now.truncatedTo(java.time.temporal.ChronoUnit.MICROS) + "\""));
                        redis.set(data.key("acme", "order", i), json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        written.add("it:t:acme:order:" + i);
                    }
                    round++;
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        List<ShardResult> results;
        try {
            Thread.sleep(50);
            results = validateAll(contract, null);
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(written).isNotEmpty();
        Set<DriftDataset.Expected> found = findings(results);
        assertThat(found).noneMatch(f -> written.contains(f.key()) && f.driftClass() != DriftClass.IN_FLIGHT);
        Set<DriftDataset.Expected> withoutInFlight = found.stream().filter(f -> f.driftClass() != DriftClass.IN_FLIGHT).collect(Collectors.toSet());
        assertThat(withoutInFlight).containsExactlyInAnyOrderElementsOf(data.expected());
    }

    @Test
    void validate_whenConnectionsKilledMidScan_retriesToTheSameResult() throws Exception {
        UnifiedJedis redis = standaloneRedis();
        DriftDataset data = seedPostgres(redis);
        Contract contract = contract(data, "redis://127.0.0.1:6379/" + REDIS_DB, PG_WRAPPER_URL, false,
                "  scanCount: 5\n  batchSize: 2\n  maxRetries: 3\n");
        AtomicBoolean killed = new AtomicBoolean();
        List<String> kills = new ArrayList<>();
        ProgressListener killer = (scanned, estimated) -> {
            if (scanned > 100 && killed.compareAndSet(false, true)) {
                try (Jedis admin = new Jedis("127.0.0.1", 6379); Connection db = pg(); Statement st = db.createStatement()) {
                    for (String line : admin.clientList().split("\n")) {
                        if (line.contains("name=cachecheck")) {
                            String id = line.substring(line.indexOf("id=") + 3, line.indexOf(' '));
                            admin.clientKill(new redis.clients.jedis.params.ClientKillParams().id(id));
                            kills.add("redis:" + id);
                        }
                    }
                    var rs = st.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'cachecheck' AND pid <> pg_backend_pid()");
                    while (rs.next()) {
                        kills.add("pg");
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        List<ShardResult> results = validateAll(contract, killer);
        assertThat(kills).as("connections were killed mid-scan").anyMatch(k -> k.startsWith("redis:"));
        assertThat(kills).contains("pg");
        Verdict verdict = verdict(results);
        assertThat(verdict).isNotEqualTo(Verdict.CONSISTENT);
        if (verdict != Verdict.INCOMPLETE) {
            assertExact(data, results);
        }
    }

    @Test
    void validate_whenSourceUnreachable_isIncompleteAndNamesWhatWasSkipped() throws Exception {
        UnifiedJedis redis = standaloneRedis();
        DriftDataset data = seedPostgres(redis);
        Contract good = contract(data, "redis://127.0.0.1:6379/" + REDIS_DB, PG_WRAPPER_URL, false, "  maxRetries: 1\n");
        Contract broken = contract(data, "redis://127.0.0.1:6379/" + REDIS_DB, "jdbc:aws-wrapper:postgresql://127.0.0.1:1/test", false,
                "  maxRetries: 1\n");
        SecretResolver secrets = SecretResolver.withEnvironment(k -> null);
        ShardWorkItem item = new ShardWorkItem("shard-x", List.of("acme", "globex"), List.of(), false);
        ShardResult result = new ShardValidator(broken, RedisNodes.discover(broken.cache(), secrets), secrets)
                .validate(item, Set.copyOf(DriftDataset.TENANTS), null, null);
        assertThat(result.verdict()).isEqualTo(Verdict.INCOMPLETE);
        assertThat(result.skipped()).extracting(Skipped::tenant).containsOnly("acme", "globex");
        assertThat(result.skipped()).allMatch(s -> s.reason().startsWith("source-unavailable"));
        assertThat(result.skipped().stream().filter(s -> s.tenant().equals("acme") && s.namespace().equals("order")).mapToLong(Skipped::keys).sum())
                .isEqualTo(data.keysChecked("acme", "order"));
        assertThat(result.results()).allMatch(r -> !r.complete());
        assertThat(new ShardValidator(good, RedisNodes.discover(good.cache(), secrets), secrets)
                .validate(item, Set.copyOf(DriftDataset.TENANTS), null, null).verdict()).isEqualTo(Verdict.DRIFT);
    }

    @Test
    void validate_whenCacheUnreachable_isIncomplete() throws Exception {
        DriftDataset data = seedPostgres(standaloneRedis());
        Contract broken = contract(data, "redis://127.0.0.1:1", PG_WRAPPER_URL, false, "  maxRetries: 1\n");
        SecretResolver secrets = SecretResolver.withEnvironment(k -> null);
        ShardResult result = new ShardValidator(broken, RedisNodes.discover(broken.cache(), secrets), secrets)
                .validate(new ShardWorkItem("s", List.of("acme"), List.of(), true), Set.of("acme"), null, null);
        assertThat(result.verdict()).isEqualTo(Verdict.INCOMPLETE);
        assertThat(result.skipped()).singleElement().satisfies(s -> {
            assertThat(s.reason()).startsWith("cache-unavailable");
            assertThat(s.node()).isEqualTo("127.0.0.1:1");
        });
    }

    @Test
    void validate_whenDeadlineReached_isIncomplete() throws Exception {
        UnifiedJedis redis = standaloneRedis();
        DriftDataset data = seedPostgres(redis);
        Contract contract = contract(data, "redis://127.0.0.1:6379/" + REDIS_DB, PG_WRAPPER_URL, false, null);
        SecretResolver secrets = SecretResolver.withEnvironment(k -> null);
        ShardResult result = new ShardValidator(contract, RedisNodes.discover(contract.cache(), secrets), secrets)
                .validate(new ShardWorkItem("s", List.of("acme"), List.of(), false), Set.of("acme"), Instant.now(), null);
        assertThat(result.verdict()).isEqualTo(Verdict.INCOMPLETE);
        assertThat(result.skipped()).extracting(Skipped::reason).allMatch(r -> r.startsWith("deadline"));
    }

    @Test
    void validate_whenMappedColumnNotSelected_failsNamingNamespaceAndColumn() throws Exception {
        UnifiedJedis redis = standaloneRedis();
        DriftDataset data = seedPostgres(redis);
        String yaml = data.contract("redis://127.0.0.1:6379/" + REDIS_DB, PG_WRAPPER_URL, false, null)
                .replace("SELECT flag, value FROM", "SELECT flag FROM");
        Contract contract = ContractLoader.withEnvironment(k -> null).parse(yaml);
        SecretResolver secrets = SecretResolver.withEnvironment(k -> null);
        assertThatThrownBy(() -> new ShardValidator(contract, RedisNodes.discover(contract.cache(), secrets), secrets)
                .validate(new ShardWorkItem("s", List.of("acme"), List.of(), false), Set.of("acme"), null, null))
                .isInstanceOf(ContractException.class)
                .hasMessageContaining("namespace flag").hasMessageContaining("column 'value'");
    }
}
