package io.cachecheck.check;

import io.cachecheck.cache.RedisNodes;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.shard.ShardPlanner;
import io.cachecheck.source.JdbcSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The race defence skips its idle wait only when versions prove that no write was in flight (docs/contract.md, "Race
 * defence"): a STALE key whose row version is older than the first look by more than graceMillis, and whose cached
 * version is no newer than the row's. Every other differing key still waits. Real PostgreSQL and Redis (db 12, schema
 * cc_it_settled).
 */
class SettledSuspectIT {
    private static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final int REDIS_DB = 12;
    private static final String OLD = "2020-01-01T00:00:00Z";

    @BeforeEach
    void seed() throws Exception {
        try (Connection db = DriverManager.getConnection(PG_URL, "postgres", ""); Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS cc_it_settled CASCADE");
            st.execute("CREATE SCHEMA cc_it_settled");
            st.execute("CREATE TABLE cc_it_settled.tenants (tenant_id text PRIMARY KEY)");
            st.execute("INSERT INTO cc_it_settled.tenants VALUES ('acme')");
            st.execute("CREATE TABLE cc_it_settled.product (tenant_id text, id bigint, name text, updated_at timestamptz,"
                    + " PRIMARY KEY (tenant_id, id))");
            st.execute("INSERT INTO cc_it_settled.product VALUES ('acme', 1, 'one', '" + OLD + "'), ('acme', 2, 'two', '" + OLD + "'),"
                    + " ('acme', 3, 'three', now()), ('acme', 4, 'four', '" + OLD + "')");
        }
        try (Jedis redis = redis()) {
            redis.flushDB();
        }
    }

    @AfterEach
    void drop() throws Exception {
        try (Connection db = DriverManager.getConnection(PG_URL, "postgres", ""); Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS cc_it_settled CASCADE");
        }
        try (Jedis redis = redis()) {
            redis.flushDB();
        }
    }

    private static Jedis redis() {
        Jedis redis = new Jedis("127.0.0.1", 6379);
        redis.select(REDIS_DB);
        return redis;
    }

    private static String product(String name, String version) {
        return "{\"name\":\"" + name + "\",\"updated_at\":\"" + version + "\"}";
    }

    private static ShardResult validate(long graceMillis, String version) {
        String yaml = """
                version: 1
                cache: {url: "redis://127.0.0.1:6379/%d"}
                source: {url: "jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test", auth: {username: postgres}}
                tenants: {sql: SELECT tenant_id FROM cc_it_settled.tenants}
                check: {graceMillis: %d}
                namespaces:
                  - name: product
                    keyPattern: "st:{tenant_id}:product:{id}"
                    valueType: json
                    sql: SELECT id, name, updated_at FROM cc_it_settled.product WHERE tenant_id = :tenant_id AND id IN (:id)
                    fields: {name: name}
                %s""".formatted(REDIS_DB, graceMillis, version);
        Contract contract = ContractLoader.withEnvironment(k -> null).parse(yaml);
        SecretResolver secrets = SecretResolver.withEnvironment(k -> null);
        RedisNodes nodes = RedisNodes.discover(contract.cache(), secrets);
        ShardPlanner.Tenants tenants;
        try (JdbcSource source = new JdbcSource(contract.source(), secrets, 1, 10)) {
            tenants = ShardPlanner.discover(contract, source);
        }
        List<ShardWorkItem> items = ShardPlanner.plan(tenants, null, nodes.coverage());
        assertThat(items).hasSize(1);
        return new ShardValidator(contract, nodes, secrets).validate(items.get(0), tenants.ids(), null, null);
    }

    private static final String VERSION = "    version: {field: updated_at, column: updated_at}\n";

    @Test
    void staleKeyWithAnOldRowVersion_isConfirmedWithoutTheGraceWait() {
        try (Jedis redis = redis()) {
            redis.set("st:acme:product:1", product("one", OLD));
            redis.set("st:acme:product:2", product("stale", OLD));
        }
        long start = System.nanoTime();
        ShardResult r = validate(60_000, VERSION);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(r.findings()).extracting(Finding::key, Finding::driftClass)
                .containsExactly(tuple("st:acme:product:2", DriftClass.STALE));
        assertThat(r.timings().recheckWaitMillis()).isZero();
        assertThat(millis).as("a 60 s grace period was not waited out").isLessThan(30_000);
    }

    @Test
    void differingKeysVersionsCannotSettle_stillWaitOutTheGracePeriod() {
        try (Jedis redis = redis()) {
            // row written just now: a cache refresh may be on its way
            redis.set("st:acme:product:3", product("stale", OLD));
            // cached version newer than the row's: the row's commit may still be to come
            redis.set("st:acme:product:4", product("newer", "2030-01-01T00:00:00Z"));
            // no row: a delete leaves no version, and the invalidation may be on its way
            redis.set("st:acme:product:9", product("gone", OLD));
        }
        ShardResult r = validate(1_500, VERSION);

        assertThat(r.findings()).extracting(Finding::key, Finding::driftClass).containsExactlyInAnyOrder(
                tuple("st:acme:product:3", DriftClass.IN_FLIGHT),
                tuple("st:acme:product:4", DriftClass.STALE),
                tuple("st:acme:product:9", DriftClass.ORPHAN));
        assertThat(r.timings().recheckWaitMillis()).isGreaterThan(500);
    }

    @Test
    void withoutAVersionMapping_aStaleKeyWaitsOutTheGracePeriod() {
        try (Jedis redis = redis()) {
            redis.set("st:acme:product:2", product("stale", OLD));
        }
        ShardResult r = validate(1_500, "    ignore: [updated_at]\n");

        assertThat(r.findings()).extracting(Finding::key, Finding::driftClass)
                .containsExactly(tuple("st:acme:product:2", DriftClass.STALE));
        assertThat(r.timings().recheckWaitMillis()).isGreaterThan(500);
    }
}
