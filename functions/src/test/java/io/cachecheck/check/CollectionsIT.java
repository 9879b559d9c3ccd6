package io.cachecheck.check;

import io.cachecheck.cache.RedisNodes;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.remediate.ActionResult;
import io.cachecheck.remediate.Excluded;
import io.cachecheck.remediate.Limits;
import io.cachecheck.remediate.Outcome;
import io.cachecheck.remediate.RemediationExecutor;
import io.cachecheck.remediate.RemediationPlan;
import io.cachecheck.remediate.RemediationPlanner;
import io.cachecheck.shard.ShardPlanner;
import io.cachecheck.source.JdbcSource;
import io.cachecheck.testing.CollectionDataset;
import io.cachecheck.testing.RedisClusterProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Sets, sorted sets and lists against the real local Redis (db 10), PostgreSQL (schema cc_it_collections) and MariaDB
 * (database cc_it_collections): the docs' snippets with injected drift, the race defence, the bounds on both sides and
 * race-safe remediation.
 */
class CollectionsIT {
    static final int REDIS_DB = 10;
    static final String SCHEMA = "cc_it_collections";
    static final String REDIS_URL = "redis://127.0.0.1:6379/" + REDIS_DB;

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    private UnifiedJedis redis() {
        RedisClient redis = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", 6379))
                .clientConfig(DefaultJedisClientConfig.builder().database(REDIS_DB).build()).build();
        redis.flushDB();
        cleanup.add(() -> {
            redis.flushDB();
            redis.close();
        });
        return redis;
    }

    private static Connection connect(boolean postgres) throws Exception {
        return postgres ? DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "")
                : DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/test", "root", "");
    }

    private CollectionDataset seed(boolean postgres, UnifiedJedis redis) throws Exception {
        CollectionDataset data = new CollectionDataset(SCHEMA, postgres);
        try (Connection db = connect(postgres)) {
            data.seed(db, redis);
        }
        cleanup.add(0, () -> {
            try (Connection db = connect(postgres)) {
                data.dropSchema(db);
            }
        });
        return data;
    }

    private static Contract contract(CollectionDataset data, String check) throws Exception {
        return ContractLoader.withEnvironment(k -> null).parse(data.contract(REDIS_URL,
                CollectionDataset.docSnippets(Path.of("../docs/contract.md")), check));
    }

    static List<ShardResult> validateAll(Contract contract, ProgressListener progress) {
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

    static List<Finding> findings(List<ShardResult> results) {
        return results.stream().flatMap(r -> r.findings().stream()).toList();
    }

    static Set<String> described(List<ShardResult> results) {
        return findings(results).stream().map(f -> f.tenant() + "|" + f.namespace() + "|" + f.key() + "|" + f.driftClass()
                + "|" + f.reason()).collect(Collectors.toSet());
    }

    @ParameterizedTest(name = "postgres={0}")
    @ValueSource(booleans = {true, false})
    void validate_docSnippets_findExactlyTheInjectedDrift_andEveryKeyIsChecked(boolean postgres) throws Exception {
        UnifiedJedis redis = redis();
        CollectionDataset data = seed(postgres, redis);
        // small batches, so that every namespace needs several lookups (and rows of many keys share a result)
        List<ShardResult> results = validateAll(contract(data, "batchSize: 3"), null);

        assertThat(described(results)).as("skipped: %s", results.stream().flatMap(r -> r.skipped().stream()).toList())
                .containsExactlyInAnyOrderElementsOf(data.expected());
        Map<String, Long> checked = new HashMap<>();
        for (ShardResult r : results) {
            assertThat(r.skipped()).isEmpty();
            for (TenantNamespaceResult t : r.results()) {
                checked.put(t.tenant() + "/" + t.namespace(), t.keysChecked());
                // a tenant and namespace without drift has equal digests on both sides, one with drift does not
                assertThat(t.cacheDigest().equals(t.sourceDigest())).as(t.tenant() + "/" + t.namespace())
                        .isEqualTo(t.drifted() == 0);
            }
        }
        Map<String, Long> written = new HashMap<>();
        data.keysPerGroup().forEach((k, v) -> written.put(k, (long) v));
        assertThat(checked).isEqualTo(written);
        // a finding names what differs, never a member
        assertThat(findings(results)).filteredOn(f -> f.driftClass() == DriftClass.STALE)
                .allSatisfy(f -> assertThat(f.fields()).isNotEmpty().isSubsetOf("members", "scores", "order"));
        assertThat(findings(results)).allSatisfy(f -> assertThat(f.valueDigest()).isNotNull());
        assertThat(results.stream().map(ShardResult::verdict).reduce(Verdict.CONSISTENT, Verdict::and)).isEqualTo(Verdict.DRIFT);
    }

    /** In a Redis Cluster every node's collections are read from that node, one pipeline per node and batch. */
    @Test
    void validate_inACluster_findsExactlyTheInjectedDrift() throws Exception {
        RedisClusterProcess cluster = RedisClusterProcess.start(3);
        cleanup.add(cluster);
        RedisClusterClient redis = RedisClusterClient.builder()
                .nodes(Set.of(new HostAndPort("127.0.0.1", cluster.ports().get(0)))).build();
        cleanup.add(redis::close);
        CollectionDataset data = seed(true, redis);
        Contract contract = ContractLoader.withEnvironment(k -> null).parse(data.contract(cluster.url(), true,
                CollectionDataset.docSnippets(Path.of("../docs/contract.md")), "batchSize: 3"));

        List<ShardResult> results = validateAll(contract, null);

        assertThat(results).hasSize(3); // one work item per node
        assertThat(results).allSatisfy(r -> assertThat(r.skipped()).isEmpty());
        assertThat(described(results)).containsExactlyInAnyOrderElementsOf(data.expected());
        long checked = results.stream().flatMap(r -> r.results().stream()).mapToLong(TenantNamespaceResult::keysChecked).sum();
        assertThat(checked).isEqualTo(data.keysPerGroup().values().stream().mapToLong(Integer::longValue).sum());
    }

    @Test
    void validate_twice_givesTheSameDigests() throws Exception {
        UnifiedJedis redis = redis();
        CollectionDataset data = seed(true, redis);
        Contract contract = contract(data, "batchSize: 2");

        Map<String, String> first = digests(validateAll(contract, null));
        Map<String, String> second = digests(validateAll(contract, null));

        assertThat(second).isEqualTo(first).hasSize(CollectionDataset.TENANTS.size() * 5);
    }

    private static Map<String, String> digests(List<ShardResult> results) {
        return results.stream().flatMap(r -> r.results().stream())
                .collect(Collectors.toMap(t -> t.tenant() + "/" + t.namespace(), t -> t.cacheDigest() + "/" + t.sourceDigest()));
    }

    /**
     * The race defence: a set a writer keeps changing is IN_FLIGHT, but a writer that keeps rewriting a stale set
     * with the same members (DEL and SADD again) has not changed it, and it stays STALE.
     */
    @Test
    void validate_whenACollectionChangesDuringTheGracePeriod_isInFlight_butARewriteWithTheSameMembersStaysStale() throws Exception {
        UnifiedJedis redis = redis();
        CollectionDataset data = seed(true, redis);
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            try (Jedis w = new Jedis("127.0.0.1", 6379)) {
                w.select(REDIS_DB);
                for (int i = 1; writing.get(); i++) {
                    w.sadd("t:globex:user:4:roles", "x" + i); // changes the set every time
                    w.srem("t:globex:user:4:roles", "x" + (i - 1));
                    // rewrites the stale set of acme user 2 with the same members, atomically (never seen empty)
                    redis.clients.jedis.Transaction t = w.multi();
                    t.del("t:acme:user:2:roles");
                    t.sadd("t:acme:user:2:roles", "2", "20");
                    t.exec();
                    Thread.sleep(15);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        writer.start();
        List<ShardResult> results;
        try {
            Thread.sleep(100);
            results = validateAll(contract(data, "graceMillis: 500"), null);
        } finally {
            writing.set(false);
            writer.join();
        }

        Map<String, Finding> byKey = findings(results).stream().collect(Collectors.toMap(Finding::key, f -> f));
        assertThat(byKey.get("t:globex:user:4:roles").driftClass()).isEqualTo(DriftClass.IN_FLIGHT);
        assertThat(byKey.get("t:globex:user:4:roles").reason()).isEqualTo("changed-during-check");
        assertThat(byKey.get("t:acme:user:2:roles").driftClass()).isEqualTo(DriftClass.STALE);
        assertThat(byKey.get("t:acme:user:2:roles").reason()).isEqualTo("members-differ: 1 missing, 0 extra");
        // everything else is as injected
        Set<String> rest = described(results).stream().filter(d -> !d.contains("t:globex:user:4:roles")).collect(Collectors.toSet());
        assertThat(rest).containsExactlyInAnyOrderElementsOf(data.expected());
    }

    /**
     * Both sides are bounded by check.maxMembers: a collection with more members, or a key with more rows, is CORRUPT
     * too-large (and never remediated). A batch whose rows reach the batch's row limit is looked up again key by key,
     * so the other keys of that batch are still compared exactly.
     */
    @ParameterizedTest(name = "postgres={0}")
    @ValueSource(booleans = {true, false})
    void validate_pastMaxMembersOnEitherSide_isTooLarge_andTheOtherKeysOfTheBatchAreExact(boolean postgres) throws Exception {
        UnifiedJedis redis = redis();
        CollectionDataset data = seed(postgres, redis);
        try (Connection db = connect(postgres); Statement st = db.createStatement();
             PreparedStatement r = db.prepareStatement("INSERT INTO " + SCHEMA + ".user_roles VALUES ('acme', 50, ?)")) {
            // acme's other role rows are moved behind user 50's in the table, so that a lookup cut short by the
            // batch's row limit would lose them (not user 50's): only the key-by-key lookup gets them right
            st.execute("CREATE TABLE " + SCHEMA + ".moved AS SELECT * FROM " + SCHEMA + ".user_roles WHERE tenant_id = 'acme'");
            st.execute("DELETE FROM " + SCHEMA + ".user_roles WHERE tenant_id = 'acme'");
            for (int role = 1; role <= 500; role++) { // 500 rows: far past the cap, and past the batch's row limit
                r.setInt(1, role);
                r.addBatch();
            }
            r.executeBatch();
            st.execute("INSERT INTO " + SCHEMA + ".user_roles SELECT * FROM " + SCHEMA + ".moved");
            st.execute("INSERT INTO " + SCHEMA + ".users VALUES ('acme', 51)");
        }
        redis.sadd("t:acme:user:50:roles", "1", "2");
        String[] many = new String[50_000];
        for (int i = 0; i < many.length; i++) {
            many[i] = "tag-" + i;
        }
        redis.sadd("t:acme:user:51:tags", many); // 50,000 members in Redis; the check reads at most 21
        Contract contract = contract(data, "maxMembers: 20\nbatchSize: 4");
        assertThat(contract.check().batchSize(io.cachecheck.contract.ValueType.SET)).isEqualTo(4);

        List<ShardResult> results = validateAll(contract, null);

        Set<String> expected = new java.util.HashSet<>(data.expected());
        expected.add("acme|user_roles|t:acme:user:50:roles|CORRUPT|too-large: the source has more than check.maxMembers 20 rows for the key");
        expected.add("acme|user_tags|t:acme:user:51:tags|CORRUPT|too-large: more than check.maxMembers 20 members");
        assertThat(described(results)).containsExactlyInAnyOrderElementsOf(expected);
        List<Finding> tooLarge = findings(results).stream().filter(f -> f.reason().startsWith("too-large")).toList();
        RemediationPlan plan = RemediationPlanner.plan(contract, tooLarge, Limits.defaults());
        assertThat(plan.actions()).isEmpty();
        assertThat(plan.excluded()).extracting(Excluded::reason).containsOnly("not-compared-too-large").hasSize(2);
    }

    /**
     * Remediation of collections: a drifted set, list or zset is deleted only while it holds exactly the members the
     * check judged; one changed since is left alone, and a key of the wrong type is deleted while still wrong.
     */
    @Test
    void remediate_deletesDriftedCollectionsRaceSafely() throws Exception {
        UnifiedJedis redis = redis();
        CollectionDataset data = seed(true, redis);
        Contract contract = contract(data, null);
        List<Finding> found = findings(validateAll(contract, null));
        RemediationPlan plan = RemediationPlanner.plan(contract, found, Limits.defaults());
        assertThat(plan.executable()).isTrue();
        // the two wrong-type keys are CORRUPT: never compared, so not remediated by default (remediateUndecodable)
        assertThat(plan.actions()).hasSize(data.expected().size() - 2);
        assertThat(plan.excluded()).extracting(io.cachecheck.remediate.Excluded::key, io.cachecheck.remediate.Excluded::reason)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("t:acme:user:1:roles", "not-compared-undecodable"),
                        org.assertj.core.groups.Tuple.tuple("t:globex:user:2:recent", "not-compared-undecodable"));
        // a writer fixes two keys after the check: a set (its members) and a zset (a score only)
        redis.sadd("t:acme:user:2:roles", "7");
        redis.zadd("t:acme:board:b2", 9.0, "bob");

        Map<String, String> outcomes = new HashMap<>();
        try (RemediationExecutor executor = RemediationExecutor.create(contract, SecretResolver.withEnvironment(k -> null),
                Limits.defaults())) {
            for (ActionResult result : executor.execute(plan, false).results()) {
                outcomes.put(result.key(), result.outcome() + " " + result.reason());
            }
        }

        assertThat(outcomes).containsEntry("t:acme:user:2:roles", "SKIPPED_CHANGED value-changed")
                .containsEntry("t:acme:board:b2", "SKIPPED_CHANGED value-changed")
                .containsEntry("t:globex:user:3:roles", "APPLIED invalidated")
                .containsEntry("t:globex:user:1:recent", "APPLIED invalidated")
                .containsEntry("t:globex:queue:q1", "APPLIED invalidated")
                .containsEntry("t:globex:board:b9", "APPLIED invalidated")
                .doesNotContainKeys("t:acme:user:1:roles", "t:globex:user:2:recent")
                .hasSize(data.expected().size() - 2);
        assertThat(outcomes.values()).filteredOn(o -> o.startsWith("APPLIED")).hasSize(data.expected().size() - 4);
        assertThat(redis.exists("t:acme:user:1:roles")).isTrue();
        assertThat(redis.exists("t:globex:user:3:roles")).isFalse();
        assertThat(redis.smembers("t:acme:user:2:roles")).containsExactlyInAnyOrder("2", "7", "20");
        assertThat(redis.zscore("t:acme:board:b2", "bob")).isEqualTo(9.0);
        // the fixed keys are consistent now; only the two wrong-type keys, left alone, remain
        assertThat(findings(validateAll(contract, null))).extracting(Finding::key)
                .containsExactlyInAnyOrder("t:acme:user:1:roles", "t:globex:user:2:recent");
    }

    @Test
    void validate_whenTheMemberColumnIsATimestampOrTheScoreNotANumber_stopsWithAContractErrorSayingWhatToDo() throws Exception {
        UnifiedJedis redis = redis();
        CollectionDataset data = seed(true, redis);
        String yaml = data.contract(REDIS_URL, List.of("""
                  - name: user_roles
                    keyPattern: "t:{tenant_id}:user:{user_id}:roles"
                    valueType: set
                    sql: SELECT user_id, now() AS seen FROM user_roles WHERE tenant_id = :tenant_id AND user_id IN (:user_id)
                    member: seen
                """), null);

        assertThatThrownBy(() -> validateAll(ContractLoader.withEnvironment(k -> null).parse(yaml), null))
                .isInstanceOf(io.cachecheck.error.ContractException.class)
                .hasMessageStartingWith("namespace user_roles: member column 'seen' is a timestamp;");
        String textScore = data.contract(REDIS_URL, List.of("""
                  - name: leaderboard
                    keyPattern: "t:{tenant_id}:board:{board_id}"
                    valueType: zset
                    sql: SELECT board_id, player, board_id AS points FROM scores WHERE tenant_id = :tenant_id AND board_id IN (:board_id)
                    member: player
                    score: points
                """), null);
        assertThatThrownBy(() -> validateAll(ContractLoader.withEnvironment(k -> null).parse(textScore), null))
                .isInstanceOf(io.cachecheck.error.ContractException.class)
                .hasMessage("namespace leaderboard: score column 'points' is not numeric; Redis scores are numbers, so map a"
                        + " numeric column (or cast it, e.g. CAST(x AS numeric))");
    }
}
