package io.cachecheck.check;

import io.cachecheck.cache.RedisNodes;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.sample.DriftEstimate;
import io.cachecheck.sample.KeySample;
import io.cachecheck.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, items 5 and 6 against a throw-away redis-server of its own and PostgreSQL schema {@code cc_sampling_it}:
 * a sampled check reads exactly the sampled keys (no value read, no SQL for the others), finds exactly the drift
 * among them, and its verdict is never CONSISTENT; a throttled check keeps the server's CPU share under what its cap
 * implies, and the source-query cap holds.
 */
class SamplingThrottleIT {
    static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String SCHEMA = "cc_sampling_it";
    static final List<String> TENANTS = List.of("acme", "globex");
    static final int ITEMS = 5_000;
    /** acme: every 25th item is stale (4%); globex: none. */
    static final int DRIFT_EVERY = 25;

    static RedisServerProcess redis;

    @BeforeAll
    static void seed() throws Exception {
        redis = RedisServerProcess.start();
        try (Connection db = DriverManager.getConnection(PG_URL, "postgres", "");
             Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            st.execute("CREATE SCHEMA " + SCHEMA);
            st.execute("CREATE TABLE " + SCHEMA + ".tenants (tenant_id text PRIMARY KEY)");
            st.execute("CREATE TABLE " + SCHEMA + ".items (tenant_id text, id bigint, name text, qty bigint, PRIMARY KEY (tenant_id, id))");
            st.execute("INSERT INTO " + SCHEMA + ".tenants VALUES ('acme'), ('globex')");
            try (PreparedStatement ps = db.prepareStatement("INSERT INTO " + SCHEMA + ".items VALUES (?, ?, ?, ?)")) {
                for (String tenant : TENANTS) {
                    for (int id = 1; id <= ITEMS; id++) {
                        ps.setString(1, tenant);
                        ps.setLong(2, id);
                        ps.setString(3, "item " + id);
                        ps.setLong(4, id % 97);
                        ps.addBatch();
                    }
                }
                ps.executeBatch();
            }
        }
        try (Jedis jedis = redis.client()) {
            Pipeline p = jedis.pipelined();
            for (String tenant : TENANTS) {
                for (int id = 1; id <= ITEMS; id++) {
                    boolean stale = drifted(tenant, id);
                    p.hset(key(tenant, id), Map.of("name", stale ? "old name " + id : "item " + id, "qty", Long.toString(id % 97)));
                }
            }
            p.sync();
        }
    }

    @AfterAll
    static void drop() throws Exception {
        if (redis != null) {
            redis.close();
        }
        try (Connection db = DriverManager.getConnection(PG_URL, "postgres", "");
             Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    static boolean drifted(String tenant, int id) {
        return tenant.equals("acme") && id % DRIFT_EVERY == 0;
    }

    static String key(String tenant, int id) {
        return "smp:" + tenant + ":item:" + id;
    }

    static Contract contract() {
        String yaml = """
                version: 1
                cache:
                  url: "redis://127.0.0.1:%d/0"
                source:
                  url: "jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test"
                  auth:
                    username: postgres
                tenants:
                  sql: SELECT tenant_id FROM %s.tenants ORDER BY tenant_id
                check:
                  graceMillis: 0
                  batchSize: 250
                  scanCount: 500
                  retryBackoffMillis: 20
                namespaces:
                  - name: item
                    keyPattern: "smp:{tenant_id}:item:{id}"
                    valueType: hash
                    sql: SELECT id, name, qty FROM %s.items WHERE tenant_id = :tenant_id AND id IN (:id)
                    fields: {name: name, qty: qty}
                """.formatted(redis.port(), SCHEMA, SCHEMA);
        return ContractLoader.withEnvironment(k -> null).parse(yaml);
    }

    static ShardResult validate(ItemOptions options) {
        Contract contract = contract();
        SecretResolver secrets = SecretResolver.withEnvironment(k -> null);
        ShardWorkItem item = new ShardWorkItem("s", TENANTS, List.of(), true).withOptions(options);
        return new ShardValidator(contract, RedisNodes.discover(contract.cache(), secrets), secrets)
                .validate(item, Set.copyOf(TENANTS), null, null);
    }

    /** Calls of a command since the last CONFIG RESETSTAT. */
    static long calls(Jedis jedis, String command) {
        String stats = jedis.info("commandstats");
        for (String line : stats.split("\r?\n")) {
            if (line.startsWith("cmdstat_" + command + ":")) {
                return Long.parseLong(line.replaceAll("^cmdstat_[^:]+:calls=(\\d+),.*", "$1"));
            }
        }
        return 0;
    }

    @Test
    void validate_whenSampled_readsOnlySampledKeysAndFindsExactlyTheirDrift() {
        double fraction = 0.1;
        KeySample.Tester tester = new KeySample(fraction).tester();
        Map<String, long[]> expected = new HashMap<>(); // tenant -> {sampled, sampledDrifted}
        Set<String> expectedFindings = new TreeSet<>();
        for (String tenant : TENANTS) {
            long[] e = expected.computeIfAbsent(tenant, t -> new long[2]);
            for (int id = 1; id <= ITEMS; id++) {
                if (tester.includes(key(tenant, id).getBytes(StandardCharsets.UTF_8))) {
                    e[0]++;
                    if (drifted(tenant, id)) {
                        e[1]++;
                        expectedFindings.add(key(tenant, id));
                    }
                }
            }
        }
        long sampled = expected.values().stream().mapToLong(e -> e[0]).sum();
        long sampledDrifted = expectedFindings.size();
        assertThat(sampled).isBetween(800L, 1200L);
        assertThat(sampledDrifted).isPositive();

        ShardResult result;
        try (Jedis jedis = redis.client()) {
            jedis.configResetStat();
            result = validate(new ItemOptions(fraction, null, null));
            // one HGETALL per sampled key at its first look, one more per differing key at its re-check; none for
            // the 9,000 keys outside the sample
            assertThat(calls(jedis, "hgetall")).isEqualTo(sampled + sampledDrifted);
        }

        assertThat(result.verdict()).isEqualTo(Verdict.DRIFT);
        assertThat(result.skipped()).isEmpty();
        assertThat(result.keysScanned()).isEqualTo(2L * ITEMS);
        assertThat(result.sampling()).isEqualTo(new ShardResult.Sampling(fraction, 2L * ITEMS - sampled));
        for (TenantNamespaceResult r : result.results()) {
            long[] e = expected.get(r.tenant());
            assertThat(r.keysChecked()).as(r.tenant()).isEqualTo(e[0]);
            assertThat(r.stale()).as(r.tenant()).isEqualTo(e[1]);
            assertThat(r.complete()).isTrue();
        }
        assertThat(result.findings()).extracting(Finding::key).containsExactlyElementsOf(expectedFindings);
        // the true ratio of acme (4%) is inside its interval for this data
        TenantNamespaceResult acme = result.results().stream().filter(r -> r.tenant().equals("acme")).findFirst().orElseThrow();
        assertThat(DriftEstimate.wilson(acme.drifted(), acme.keysChecked()).covers(1.0 / DRIFT_EVERY)).isTrue();
    }

    @Test
    void validate_whenSampledWithoutDrift_isSampledNeverConsistent() {
        Contract contract = contract();
        SecretResolver secrets = SecretResolver.withEnvironment(k -> null);
        ShardWorkItem globexOnly = new ShardWorkItem("g", List.of("globex"), List.of(), false).withOptions(new ItemOptions(0.2, null, null));
        ShardResult sampled = new ShardValidator(contract, RedisNodes.discover(contract.cache(), secrets), secrets)
                .validate(globexOnly, Set.copyOf(TENANTS), null, null);
        ShardResult full = new ShardValidator(contract, RedisNodes.discover(contract.cache(), secrets), secrets)
                .validate(new ShardWorkItem("g", List.of("globex"), List.of(), false), Set.copyOf(TENANTS), null, null);

        assertThat(full.verdict()).isEqualTo(Verdict.CONSISTENT);
        assertThat(full.keysChecked()).isEqualTo(ITEMS);
        assertThat(sampled.verdict()).isEqualTo(Verdict.SAMPLED);
        assertThat(sampled.keysChecked()).isBetween(800L, 1200L);
        assertThat(sampled.findings()).isEmpty();
    }

    /**
     * With a cache-read cap, the redis-server's CPU share over the run stays under what the cap implies: the cap (keys
     * per second) times the server's CPU per key, measured on an uncapped run of the same item. The bound is generous
     * (twice that, plus 2% for the server's own timers) because the machine is shared; the run's wall time shows the
     * cap held.
     */
    @Test
    void validate_whenCacheReadsAreCapped_serverCpuShareStaysUnderWhatTheCapImplies() throws Exception {
        ItemOptions unlimited = ItemOptions.NONE;
        double cap = 5_000; // keys per second: 10,000 scanned + 10,000 read = 20,000 permits, about 4 s
        Usage free = usage(unlimited);
        Usage capped = usage(new ItemOptions(null, cap, null));

        long permits = 2L * (2L * ITEMS); // every key scanned once and read once (plus a few re-reads)
        double cpuPerKey = free.cpuSeconds / permits;
        double implied = cap * cpuPerKey;
        System.out.printf("redis-server CPU: uncapped %.3f s in %.3f s (share %.3f, %.2f us/key); capped at %.0f keys/s:"
                        + " %.3f s in %.3f s (share %.3f, implied %.3f)%n", free.cpuSeconds, free.wallSeconds, free.share(),
                cpuPerKey * 1e6, cap, capped.cpuSeconds, capped.wallSeconds, capped.share(), implied);

        assertThat(capped.result.count(DriftClass.STALE)).isEqualTo(free.result.count(DriftClass.STALE)).isEqualTo(ITEMS / DRIFT_EVERY);
        assertThat(capped.wallSeconds).as("the cap holds: %d permits at %.0f/s", permits, cap).isGreaterThan(0.9 * (permits - 500) / cap);
        assertThat(capped.share()).as("CPU share under the cap").isLessThan(2 * implied + 0.02);
    }

    @Test
    void validate_whenSourceQueriesAreCapped_theCapHolds() {
        double cap = 4; // statements per second
        long start = System.nanoTime();
        ShardResult result = validate(new ItemOptions(null, null, cap));
        double seconds = (System.nanoTime() - start) / 1e9;
        // 5,000 keys per tenant in batches of 250: at least 20 lookups per tenant, 40 in all (plus re-checks)
        assertThat(seconds).isGreaterThan((40 - 1) / cap * 0.9);
        assertThat(result.count(DriftClass.STALE)).isEqualTo(ITEMS / DRIFT_EVERY);
        assertThat(result.keysChecked()).isEqualTo(2L * ITEMS);
    }

    record Usage(ShardResult result, double cpuSeconds, double wallSeconds) {
        double share() {
            return cpuSeconds / wallSeconds;
        }
    }

    static Usage usage(ItemOptions options) {
        try (Jedis jedis = redis.client()) {
            double before = cpu(jedis);
            long start = System.nanoTime();
            ShardResult result = validate(options);
            double wall = (System.nanoTime() - start) / 1e9;
            return new Usage(result, cpu(jedis) - before, wall);
        }
    }

    /** used_cpu_sys + used_cpu_user of the server, in seconds. */
    static double cpu(Jedis jedis) {
        double total = 0;
        for (String line : jedis.info("cpu").split("\r?\n")) {
            if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                total += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return total;
    }
}
