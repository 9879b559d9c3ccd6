package io.cachecheck.local;

import io.cachecheck.local.cli.CacheCheckCli;
import io.cachecheck.audit.AuditLog;
import io.cachecheck.audit.AuditLogSchemaValidator;
import io.cachecheck.audit.TenantReport;
import io.cachecheck.check.Finding;
import io.cachecheck.check.Verdict;
import io.cachecheck.remediate.PlannedAction;
import io.cachecheck.sample.DriftEstimate;
import io.cachecheck.sample.KeySample;
import io.cachecheck.testing.RedisServerProcess;
import io.cachecheck.workflow.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sampled run as a user runs it ({@code cachecheck validate --sample}, the state machine in-process) against a
 * redis-server of its own and PostgreSQL schema {@code cc_sampling_cli}: the audit log's estimates and verdicts,
 * the gate on the interval's upper bound, the CLI's output and exit codes, the remediation plan for the drift it
 * found, and the comparison with a full run's baseline.
 */
class SamplingCliIT {
    static final String SCHEMA = "cc_sampling_cli";
    static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
    static final List<String> TENANTS = List.of("acme", "globex");
    static final int ITEMS = 4_000;
    static final int DRIFT_EVERY = 25;
    static RedisServerProcess redis;

    @TempDir
    static Path out;

    @BeforeAll
    static void seed() throws Exception {
        redis = RedisServerProcess.start();
        try (Connection db = DriverManager.getConnection(PG, "postgres", ""); Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            st.execute("CREATE SCHEMA " + SCHEMA);
            st.execute("CREATE TABLE " + SCHEMA + ".tenants (tenant_id text PRIMARY KEY)");
            st.execute("CREATE TABLE " + SCHEMA + ".items (tenant_id text, id bigint, name text, PRIMARY KEY (tenant_id, id))");
            st.execute("INSERT INTO " + SCHEMA + ".tenants VALUES ('acme'), ('globex')");
            try (PreparedStatement ps = db.prepareStatement("INSERT INTO " + SCHEMA + ".items VALUES (?, ?, ?)")) {
                for (String tenant : TENANTS) {
                    for (int id = 1; id <= ITEMS; id++) {
                        ps.setString(1, tenant);
                        ps.setLong(2, id);
                        ps.setString(3, "item " + id);
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
                    p.hset(key(tenant, id), Map.of("name", drifted(tenant, id) ? "old " + id : "item " + id));
                }
            }
            p.sync();
        }
        Files.writeString(out.resolve("contract.yaml"), """
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
                  maxRetries: 1
                  retryBackoffMillis: 10
                namespaces:
                  - name: item
                    keyPattern: "smc:{tenant_id}:item:{id}"
                    valueType: hash
                    sql: SELECT id, name FROM %s.items WHERE tenant_id = :tenant_id AND id IN (:id)
                    fields: {name: name}
                """.formatted(redis.port(), SCHEMA, SCHEMA));
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

    static boolean drifted(String tenant, int id) {
        return tenant.equals("acme") && id % DRIFT_EVERY == 0;
    }

    static String key(String tenant, int id) {
        return "smc:" + tenant + ":item:" + id;
    }

    record Run(int exit, String stdout, String stderr, AuditLog log, String json) {
    }

    record Cli(int exit, String stdout, String stderr) {
    }

    static Cli cli(String runId, String... options) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        CacheCheckCli cli = new CacheCheckCli(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        List<String> args = new ArrayList<>(List.of("validate", "--contract", out.resolve("contract.yaml").toString(),
                "--out", out.toString(), "--run-id", runId, "--quiet"));
        args.addAll(List.of(options));
        int exit = cli.run(args.toArray(new String[0]));
        return new Cli(exit, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badSample_isOneLineNamingTheOption() {
        Cli bad = cli("smp-bad", "--sample", "0");
        assertThat(bad.exit()).isEqualTo(CacheCheckCli.INCOMPLETE_OR_ERROR);
        assertThat(bad.stderr()).contains("error: --sample: 0.0 is invalid; use a fraction above 0 and at most 1")
                .contains("[execution input field sample]");
        Cli badCap = cli("smp-bad2", "--max-cache-reads-per-second", "lots");
        assertThat(badCap.exit()).isEqualTo(CacheCheckCli.INCOMPLETE_OR_ERROR);
        assertThat(badCap.stderr()).contains("--max-cache-reads-per-second: 'lots' is not a positive number");
    }

    @Test
    void throttledRun_recordsItsCaps_andTheSourceCapHolds() throws Exception {
        long start = System.nanoTime();
        // 8,000 keys in batches of 500: at least 16 statements; at 2 per second at least 7.5 s
        Run throttled = run("smp-throttled", "--tenants", "acme,globex", "--max-source-queries-per-second", "2",
                "--max-cache-reads-per-second", "1000000", "--max-drift-ratio", "1");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(throttled.log().trigger().sourceQueriesPerSecond()).isEqualTo(2.0);
        assertThat(throttled.log().trigger().cacheReadsPerSecond()).isEqualTo(1_000_000.0);
        assertThat(throttled.log().summary().driftedKeys()).isEqualTo(ITEMS / DRIFT_EVERY); // throttling changes when, not what
        assertThat(seconds).isGreaterThan(7.0);
        assertThat(AuditLogSchemaValidator.create().validate(throttled.json())).isEmpty();
    }

    static Run run(String runId, String... options) throws Exception {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        CacheCheckCli cli = new CacheCheckCli(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        List<String> args = new ArrayList<>(List.of("validate", "--contract", out.resolve("contract.yaml").toString(),
                "--out", out.toString(), "--run-id", runId, "--quiet"));
        args.addAll(List.of(options));
        int exit = cli.run(args.toArray(new String[0]));
        String json = Files.readString(out.resolve("audit/" + runId + ".json"));
        return new Run(exit, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8),
                Json.MAPPER.readValue(json, AuditLog.class), json);
    }

    @Test
    void sampledRuns_estimateWithIntervals_gateOnTheUpperBound_neverConsistent() throws Exception {
        // 1. a full run: the baseline, with all 160 drifted keys
        Run full = run("smp-full");
        assertThat(full.exit()).as(full.stderr()).isEqualTo(CacheCheckCli.DRIFT);
        assertThat(full.log().sampling()).isNull();
        assertThat(full.log().summary().driftedKeys()).isEqualTo(ITEMS / DRIFT_EVERY);

        // what a 10% sample must hold: computed here from the documented hash
        KeySample.Tester tester = new KeySample(0.1).tester();
        long sampled = 0;
        TreeSet<String> sampledDrift = new TreeSet<>();
        for (String tenant : TENANTS) {
            for (int id = 1; id <= ITEMS; id++) {
                if (tester.includes(key(tenant, id).getBytes(StandardCharsets.UTF_8))) {
                    sampled++;
                    if (drifted(tenant, id)) {
                        sampledDrift.add(key(tenant, id));
                    }
                }
            }
        }
        DriftEstimate expected = DriftEstimate.wilson(sampledDrift.size(), sampled);

        // 2. a sampled gate run whose limit lies between the estimate and its upper bound: it fails
        double between = (expected.ratio() + expected.high()) / 2;
        Run failing = run("smp-gate-fail", "--mode", "gate", "--sample", "0.1", "--max-drift-ratio",
                String.format(Locale.ROOT, "%.6f", between));
        assertThat(AuditLogSchemaValidator.create().validate(failing.json())).isEmpty();
        assertThat(failing.log().summary().verdict()).isEqualTo(Verdict.DRIFT);
        assertThat(failing.log().sampling().overall()).isEqualTo(expected);
        assertThat(failing.log().summary().keysChecked()).isEqualTo(sampled);
        assertThat(failing.log().sampling().keysNotSampled()).isEqualTo(2L * ITEMS - sampled);
        // the run's HTML report states the sample and its interval (docs/report.md)
        String report = Files.readString(out.resolve("audit/smp-gate-fail.html"));
        assertThat(report).contains(String.format(Locale.ROOT, "10%% of the keys (%d checked, %d not sampled); estimated"
                        + " drift ratio %.6f, 95%% interval [%.6f, %.6f] (Wilson)", sampled, 2L * ITEMS - sampled,
                expected.ratio(), expected.low(), expected.high()), "(of the sampled keys only)");
        assertThat(failing.log().findings()).extracting(Finding::key).containsExactlyElementsOf(sampledDrift);
        assertThat(failing.log().gate().passed()).isFalse();
        assertThat(failing.log().gate().reasons()).singleElement().asString().contains("95% upper bound");
        assertThat(failing.exit()).isEqualTo(CacheCheckCli.DRIFT);
        assertThat(failing.stdout()).contains("Sampled: 10% of the keys (" + sampled + " checked");
        // the drift it found can be repaired: the dry-run plan has an action for each sampled drifted key
        assertThat(failing.log().remediation().plan().actions()).extracting(PlannedAction::key).containsExactlyElementsOf(sampledDrift);
        // against the full baseline: the sampled drift persists, nothing is new, nothing is called resolved
        assertThat(failing.log().summary().regressions()).isZero();
        assertThat(failing.log().summary().persistent()).isEqualTo(sampledDrift.size());
        assertThat(failing.log().summary().resolved()).isZero();
        assertThat(failing.log().comparison().unverified()).hasSize(ITEMS / DRIFT_EVERY - sampledDrift.size());

        // 3. the same sample with a limit above the upper bound passes the gate
        Run passing = run("smp-gate-pass", "--mode", "gate", "--sample", "0.1", "--max-drift-ratio",
                String.format(Locale.ROOT, "%.6f", Math.min(1, expected.high() * 1.01)));
        assertThat(passing.exit()).as(passing.stdout()).isEqualTo(CacheCheckCli.CONSISTENT);
        assertThat(passing.log().sampling().overall()).isEqualTo(expected); // the same keys on every run

        // 4. a tenant without drift, sampled: SAMPLED, never CONSISTENT; exit 0 only because its gate passed
        Run clean = run("smp-globex", "--tenants", "globex", "--sample", "0.1", "--max-drift-ratio", "0.05");
        assertThat(clean.log().summary().verdict()).isEqualTo(Verdict.SAMPLED);
        assertThat(clean.log().tenants()).extracting(TenantReport::verdict).containsExactly(Verdict.SAMPLED);
        assertThat(clean.log().sampling().overall().drifted()).isZero();
        assertThat(clean.log().sampling().overall().high()).isGreaterThan(0);
        assertThat(clean.exit()).as(clean.stdout()).isEqualTo(CacheCheckCli.CONSISTENT);
        assertThat(clean.stdout()).contains("Run smp-globex (manual): SAMPLED").doesNotContain("CONSISTENT\n");

        // 5. with the default maxDriftRatio 0 a sample can never pass its gate, and says why
        Run zero = run("smp-zero", "--tenants", "globex", "--sample", "0.1");
        assertThat(zero.exit()).isEqualTo(CacheCheckCli.DRIFT);
        assertThat(zero.log().gate().reasons()).singleElement().asString().contains("set maxDriftRatio above 0");
    }
}
