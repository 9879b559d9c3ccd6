package io.cachecheck.source;

import io.cachecheck.cache.RedisNodes;
import io.cachecheck.check.ShardResult;
import io.cachecheck.check.ShardValidator;
import io.cachecheck.check.ShardWorkItem;
import io.cachecheck.check.Skipped;
import io.cachecheck.check.Verdict;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.contract.SecretResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A source lookup blocked by another session's lock ends at the run's deadline, as an INCOMPLETE result naming the
 * deadline, instead of running on for the 60 s query timeout and its retries (real PostgreSQL and Redis).
 */
class SourceDeadlineIT {
    static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String SCHEMA = "cc_it_deadline";
    static final int REDIS_DB = 4;
    static final List<String> TENANTS = List.of("acme", "globex", "initech");
    static final int CUSTOMERS = 3;

    private RedisClient redis;

    @BeforeEach
    void seed() throws Exception {
        try (Connection db = pg(); Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            st.execute("CREATE SCHEMA " + SCHEMA);
            st.execute("CREATE TABLE " + SCHEMA + ".tenants (tenant_id text PRIMARY KEY)");
            st.execute("CREATE TABLE " + SCHEMA + ".customers (tenant_id text, id bigint, name text, PRIMARY KEY (tenant_id, id))");
            for (String tenant : TENANTS) {
                st.execute("INSERT INTO " + SCHEMA + ".tenants VALUES ('" + tenant + "')");
                for (int id = 1; id <= CUSTOMERS; id++) {
                    st.execute("INSERT INTO " + SCHEMA + ".customers VALUES ('" + tenant + "', " + id + ", 'c" + id + "')");
                }
            }
        }
        redis = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", 6379))
                .clientConfig(DefaultJedisClientConfig.builder().database(REDIS_DB).build()).build();
        redis.flushDB();
        for (String tenant : TENANTS) {
            for (int id = 1; id <= CUSTOMERS; id++) {
                redis.set("dl:" + tenant + ":customer:" + id, "{\"name\":\"c" + id + "\"}");
            }
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        redis.flushDB();
        redis.close();
        try (Connection db = pg(); Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    private static Connection pg() throws Exception {
        return DriverManager.getConnection(PG_URL, "postgres", "");
    }

    private static Contract contract() {
        return ContractLoader.withEnvironment(k -> null).parse("""
                version: 1
                cache: {url: "redis://127.0.0.1:6379/%d"}
                source: {url: "jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test", auth: {username: postgres}}
                tenants: {sql: SELECT tenant_id FROM %s.tenants}
                check: {deadlineSeconds: 3, graceMillis: 0}
                namespaces:
                  - name: customer
                    keyPattern: "dl:{tenant_id}:customer:{id}"
                    valueType: json
                    sql: SELECT id, name FROM %s.customers WHERE tenant_id = :tenant_id AND id IN (:id)
                    fields: {name: name}
                """.formatted(REDIS_DB, SCHEMA, SCHEMA));
    }

    private static ShardResult validate(Contract contract) {
        SecretResolver secrets = SecretResolver.withEnvironment(k -> null);
        return new ShardValidator(contract, RedisNodes.discover(contract.cache(), secrets), secrets)
                .validate(new ShardWorkItem("s", TENANTS, List.of(), false), Set.copyOf(TENANTS), null, null);
    }

    @Test
    void validate_withoutLock_isConsistent() {
        // the seeded data agrees, so the INCOMPLETE below comes from the lock alone
        ShardResult result = validate(contract());
        assertThat(result.verdict()).isEqualTo(Verdict.CONSISTENT);
        assertThat(result.results()).allSatisfy(r -> assertThat(r.keysChecked()).isEqualTo(CUSTOMERS));
    }

    @Test
    void validate_whenLookupBlockedByLock_endsAtDeadlineAsIncomplete() throws Exception {
        Contract contract = contract();
        ExecutorService runner = Executors.newSingleThreadExecutor();
        Connection locker = pg();
        try {
            locker.setAutoCommit(false);
            try (Statement st = locker.createStatement()) {
                st.execute("LOCK TABLE " + SCHEMA + ".customers IN ACCESS EXCLUSIVE MODE");
            }
            Future<ShardResult> run = runner.submit(() -> validate(contract));
            // Generous: a 3 s deadline; before the fix a blocked query ran for its 60 s timeout, then retried.
            ShardResult result = run.get(15, TimeUnit.SECONDS);

            assertThat(result.verdict()).isEqualTo(Verdict.INCOMPLETE);
            assertThat(result.skipped()).extracting(Skipped::tenant).containsExactlyInAnyOrderElementsOf(TENANTS);
            assertThat(result.skipped()).extracting(Skipped::namespace).containsOnly("customer");
            assertThat(result.skipped().stream().mapToLong(Skipped::keys).sum()).isEqualTo((long) TENANTS.size() * CUSTOMERS);
            assertThat(result.skipped()).extracting(Skipped::reason).allMatch(r -> r.startsWith("deadline: "));
            // at least one lookup was running when the deadline came, and was stopped by it
            assertThat(result.skipped()).extracting(Skipped::reason)
                    .anyMatch(r -> r.contains("source lookup for namespace customer reached the deadline"));
            assertThat(result.results()).allMatch(r -> !r.complete());
        } finally {
            locker.rollback();
            locker.close();
            runner.shutdown();
            // without the fix the run is still going; once the lock is gone it finishes
            runner.awaitTermination(5, TimeUnit.MINUTES);
        }
    }
}
