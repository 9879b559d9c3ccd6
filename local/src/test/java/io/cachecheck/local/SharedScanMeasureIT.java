package io.cachecheck.local;

import io.cachecheck.audit.AuditLog;
import io.cachecheck.contract.Contract;
import io.cachecheck.local.asl.ExecutionStatus;
import io.cachecheck.local.asl.StateEvent;
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

    /** Rounds per configuration; the table gives the median and the range of wall times. */
    private static final int ROUNDS = 3;

    @Test
    void oneFourAndThirtyTwoShards_withAndWithoutTheScanPhase() throws Exception {
        run(4, true, "sm-warmup-1");
        run(4, false, "sm-warmup-2");
        List<String> rows = new ArrayList<>();
        for (int shards : new int[]{1, 4, 32}) {
            for (boolean shared : new boolean[]{false, true}) {
                List<Long> walls = new ArrayList<>();
                List<Long> scans = new ArrayList<>();
                List<Long> scanCalls = new ArrayList<>();
                List<Long> redisCpu = new ArrayList<>();
                AuditLog log = null;
                for (int round = 0; round < ROUNDS; round++) {
                    String runId = "sm-" + shards + (shared ? "-shared-" : "-per-shard-") + round;
                    long callsBefore = scanCalls();
                    long cpuBefore = redisCpuMillis();
                    long start = System.nanoTime();
                    LocalWorkflow.Run run = run(shards, shared, runId);
                    walls.add((System.nanoTime() - start) / 1_000_000);
                    scanCalls.add(scanCalls() - callsBefore);
                    redisCpu.add(redisCpuMillis() - cpuBefore);
                    scans.add(stateMillis(run, "ScanNodes"));
                    log = run.auditLog().orElseThrow();
                }
                walls.sort(null);
                scans.sort(null);
                scanCalls.sort(null);
                redisCpu.sort(null);
                double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
                rows.add(String.format("| %d | %s | %d | %,d | %,d | %,d | %,d | %,d (%,d to %,d) | %,d | %.1f |", shards,
                        shared ? "scan phase" : "per-shard SCAN", log.shards().size(), log.summary().keysScanned(),
                        log.summary().keysChecked(), scanCalls.get(ROUNDS / 2), redisCpu.get(ROUNDS / 2),
                        walls.get(ROUNDS / 2), walls.get(0), walls.get(ROUNDS - 1), scans.get(ROUNDS / 2), load));
            }
        }
        System.out.println("| shards | mode | work items | keysScanned | keysChecked | SCAN calls | Redis CPU ms | wall ms, median (range) | ScanNodes ms | load avg |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    private LocalWorkflow.Run run(int shards, boolean shared, String runId) throws Exception {
        Contract contract = SharedScanIT.contract(redis.port(), SCHEMA, shards, "sm");
        LocalWorkflow.Run run = SharedScanIT.run(SharedScanIT.env(out.resolve(runId), contract, shared),
                LocalWorkflow.packagedDefinition(), runId);
        assertThat(run.execution().status()).as(run.execution().cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        AuditLog log = run.auditLog().orElseThrow();
        assertThat(log.findings()).hasSize((int) stale);
        assertThat(log.summary().keysChecked()).isEqualTo(TENANTS * CUSTOMERS);
        assertThat(log.summary().keysScanned()).isEqualTo(shared || shards == 1 ? TENANTS * CUSTOMERS
                : (long) log.shards().size() * TENANTS * CUSTOMERS);
        return run;
    }

    /** SCAN commands the server has answered so far (INFO commandstats). */
    private static long scanCalls() {
        try (Jedis jedis = redis.client()) {
            for (String line : jedis.info("commandstats").split("\r?\n")) {
                if (line.startsWith("cmdstat_scan:")) {
                    return Long.parseLong(line.replaceAll("^cmdstat_scan:calls=(\\d+),.*", "$1"));
                }
            }
            return 0;
        }
    }

    /** The server's CPU time so far, user and system (INFO cpu), in milliseconds. */
    private static long redisCpuMillis() {
        try (Jedis jedis = redis.client()) {
            double seconds = 0;
            for (String line : jedis.info("cpu").split("\r?\n")) {
                if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                    seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return Math.round(seconds * 1000);
        }
    }

    /** How long a top-level state took (0 when it did not run), from the history's timestamps. */
    private static long stateMillis(LocalWorkflow.Run run, String state) {
        java.time.Instant entered = null;
        for (StateEvent e : run.execution().history()) {
            if (e.stateName().equals(state) && e.type().equals(StateEvent.ENTERED)) {
                entered = e.at();
            } else if (e.stateName().equals(state) && e.type().equals(StateEvent.SUCCEEDED) && entered != null) {
                return java.time.Duration.between(entered, e.at()).toMillis();
            }
        }
        return 0;
    }
}
