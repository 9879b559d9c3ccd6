package io.cachecheck.local;

import io.cachecheck.audit.AuditLog;
import io.cachecheck.contract.Contract;
import io.cachecheck.local.asl.ExecutionStatus;
import io.cachecheck.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The measurement behind docs/scale.md, "One scan per key": 100,000 cached keys (250 tenants of 400 customers, 1%
 * stale), checked with 1, 4 and 32 shards on the one cache, each with the scan phase and with per-shard SCANs, through
 * the packaged definition and the local runner. Run on demand only:
 * {@code mvn -o -q -pl local -am verify -Dtest=none -Dit.test=SharedScanMeasureIT -Dsharedscan.measure=true ...}.
 * Every run must find exactly the seeded drift; the figures are printed.
 */
@EnabledIfSystemProperty(named = "sharedscan.measure", matches = "true")
class SharedScanMeasureIT {
    private static final String SCHEMA = "cc_sharedscan_measure";
    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final int TENANTS = 250;
    private static final int CUSTOMERS = 400;
    private static RedisServerProcess redis;
    private static long stale;

    @TempDir
    Path out;

    @BeforeAll
    static void seed() throws Exception {
        redis = RedisServerProcess.start();
        try (Connection db = DriverManager.getConnection(PG, "postgres", ""); Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            st.execute("CREATE SCHEMA " + SCHEMA);
            st.execute("CREATE TABLE " + SCHEMA + ".tenants (tenant_id text PRIMARY KEY, active boolean NOT NULL)");
            st.execute("INSERT INTO " + SCHEMA + ".tenants SELECT 't' || lpad(i::text, 3, '0'), true FROM generate_series(0, "
                    + (TENANTS - 1) + ") i");
            st.execute("CREATE TABLE " + SCHEMA + ".customers (tenant_id text, customer_id bigint, tier text,"
                    + " PRIMARY KEY (tenant_id, customer_id))");
            st.execute("INSERT INTO " + SCHEMA + ".customers SELECT 't' || lpad(t::text, 3, '0'), c, 'gold'"
                    + " FROM generate_series(0, " + (TENANTS - 1) + ") t, generate_series(1, " + CUSTOMERS + ") c");
        }
        try (Jedis jedis = redis.client()) {
            Pipeline pipe = jedis.pipelined();
            for (int t = 0; t < TENANTS; t++) {
                for (int c = 1; c <= CUSTOMERS; c++) {
                    boolean isStale = (t * CUSTOMERS + c) % 100 == 0;
                    stale += isStale ? 1 : 0;
                    pipe.set(String.format("sm:t%03d:customer:%d", t, c), "{\"tier\":\"" + (isStale ? "silver" : "gold") + "\"}");
                }
                pipe.sync();
            }
            assertThat(jedis.dbSize()).isEqualTo(TENANTS * CUSTOMERS);
        }
    }

    @AfterAll
    static void drop() throws Exception {
        if (redis != null) {
            redis.close();
        }
        try (Connection db = DriverManager.getConnection(PG, "postgres", ""); Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    @Test
    void oneFourAndThirtyTwoShards_withAndWithoutTheScanPhase() throws Exception {
        List<String> rows = new ArrayList<>();
        for (int shards : new int[]{1, 4, 32}) {
            Contract contract = SharedScanIT.contract(redis.port(), SCHEMA, shards, "sm");
            for (boolean shared : new boolean[]{false, true}) {
                String runId = "sm-" + shards + (shared ? "-shared" : "-per-shard");
                long start = System.nanoTime();
                LocalWorkflow.Run run = SharedScanIT.run(SharedScanIT.env(out.resolve(runId), contract, shared),
                        LocalWorkflow.packagedDefinition(), runId);
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertThat(run.execution().status()).as(run.execution().cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
                AuditLog log = run.auditLog().orElseThrow();
                assertThat(log.findings()).hasSize((int) stale);
                assertThat(log.summary().keysChecked()).isEqualTo(TENANTS * CUSTOMERS);
                double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
                rows.add(String.format("| %d | %s | %d | %,d | %,d | %,d | %.1f |", shards, shared ? "scan phase" : "per-shard SCAN",
                        log.shards().size(), log.summary().keysScanned(), log.summary().keysChecked(), millis, load));
            }
        }
        System.out.println("| shards | mode | work items | keysScanned | keysChecked | wall ms | load avg |");
        System.out.println("|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }
}
