package io.cachecheck.source;

import io.cachecheck.cache.RedisNodes;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Finding;
import io.cachecheck.check.ShardResult;
import io.cachecheck.check.ShardValidator;
import io.cachecheck.check.ShardWorkItem;
import io.cachecheck.check.Verdict;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.contract.SecretResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A MySQL {@code TINYINT(1)} column, which both MySQL drivers report as a boolean type, holding values other than 0
 * and 1 (real MariaDB and Redis, with the MariaDB and the MySQL driver).
 */
class MysqlTinyIntIT {
    static final String MARIADB_URL = "jdbc:mariadb://127.0.0.1:3306/";
    static final String DATABASE = "cc_it_tinyint";
    static final int REDIS_DB = 8;

    /** Per customer id: the stored vip (TINYINT(1)) and active (BIT(1)) values, and the cached JSON. */
    static final List<Object[]> CUSTOMERS = List.of(
            new Object[]{1, "2", "1", "{\"vip\":2,\"active\":true}"},        // 2 vs 2: consistent
            new Object[]{2, "2", "0", "{\"vip\":true,\"active\":false}"},    // true vs 2: stale
            new Object[]{3, "-1", "1", "{\"vip\":1,\"active\":1}"},          // 1 vs -1: stale
            new Object[]{4, "1", "1", "{\"vip\":true,\"active\":\"yes\"}"},  // true vs 1: consistent
            new Object[]{5, "0", "0", "{\"vip\":0,\"active\":0}"},           // 0 vs 0: consistent
            new Object[]{6, "0", "0", "{\"vip\":false,\"active\":\"no\"}"},  // false vs 0: consistent
            new Object[]{7, "-1", "1", "{\"vip\":\"-1\",\"active\":true}"},  // "-1" vs -1: consistent
            new Object[]{8, "NULL", "NULL", "{\"vip\":null,\"active\":null}"});

    private RedisClient redis;

    @BeforeEach
    void seed() throws Exception {
        try (Connection db = DriverManager.getConnection(MARIADB_URL, "root", ""); Statement st = db.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + DATABASE);
            st.execute("CREATE DATABASE " + DATABASE);
            st.execute("CREATE TABLE " + DATABASE + ".tenants (tenant_id VARCHAR(32) PRIMARY KEY)");
            st.execute("INSERT INTO " + DATABASE + ".tenants VALUES ('acme')");
            st.execute("CREATE TABLE " + DATABASE + ".customers (tenant_id VARCHAR(32), id BIGINT, vip TINYINT(1), "
                    + "active BIT(1), PRIMARY KEY (tenant_id, id))");
            for (Object[] c : CUSTOMERS) {
                String active = "NULL".equals(c[2]) ? "NULL" : "b'" + c[2] + "'";
                st.execute("INSERT INTO " + DATABASE + ".customers VALUES ('acme', " + c[0] + ", " + c[1] + ", " + active + ")");
            }
        }
        redis = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", 6379))
                .clientConfig(DefaultJedisClientConfig.builder().database(REDIS_DB).build()).build();
        redis.flushDB();
        for (Object[] c : CUSTOMERS) {
            redis.set("ti:acme:customer:" + c[0], (String) c[3]);
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        redis.flushDB();
        redis.close();
        try (Connection db = DriverManager.getConnection(MARIADB_URL, "root", ""); Statement st = db.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + DATABASE);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdbc:aws-wrapper:mariadb://127.0.0.1:3306/" + DATABASE,
            "jdbc:aws-wrapper:mysql://127.0.0.1:3306/" + DATABASE})
    void validate_tinyint1BeyondZeroAndOne_comparesAsNumber(String jdbcUrl) {
        Contract contract = ContractLoader.withEnvironment(k -> null).parse("""
                version: 1
                cache: {url: "redis://127.0.0.1:6379/%d"}
                source: {url: "%s", auth: {username: root}}
                tenants: {sql: SELECT tenant_id FROM tenants}
                check: {graceMillis: 0}
                namespaces:
                  - name: customer
                    keyPattern: "ti:{tenant_id}:customer:{id}"
                    valueType: json
                    sql: SELECT id, vip, active FROM customers WHERE tenant_id = :tenant_id AND id IN (:id)
                    fields: {vip: vip, active: active}
                """.formatted(REDIS_DB, jdbcUrl));
        SecretResolver secrets = SecretResolver.withEnvironment(k -> null);
        ShardResult result = new ShardValidator(contract, RedisNodes.discover(contract.cache(), secrets), secrets)
                .validate(new ShardWorkItem("s", List.of("acme"), List.of(), true), Set.of("acme"), null, null);

        assertThat(result.skipped()).isEmpty();
        assertThat(result.findings()).extracting(Finding::key, Finding::driftClass).containsExactlyInAnyOrder(
                tuple("ti:acme:customer:2", DriftClass.STALE),
                tuple("ti:acme:customer:3", DriftClass.STALE));
        assertThat(result.findings()).allSatisfy(f -> assertThat(f.fields()).containsExactly("vip"));
        assertThat(result.results()).singleElement().satisfies(r -> {
            assertThat(r.keysChecked()).isEqualTo(CUSTOMERS.size());
            assertThat(r.consistent()).isEqualTo(CUSTOMERS.size() - 2);
        });
        assertThat(result.verdict()).isEqualTo(Verdict.DRIFT);
    }
}
