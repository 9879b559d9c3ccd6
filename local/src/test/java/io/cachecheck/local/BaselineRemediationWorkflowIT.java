package io.cachecheck.local;

import io.cachecheck.audit.AuditLog;
import io.cachecheck.baseline.DriftedKey;
import io.cachecheck.baseline.Regression;
import io.cachecheck.check.DriftClass;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.local.asl.AslOptions;
import io.cachecheck.local.asl.ExecutionStatus;
import io.cachecheck.local.cli.CacheCheckCli;
import io.cachecheck.notify.ConsoleNotifier;
import io.cachecheck.remediate.ActionResult;
import io.cachecheck.remediate.Limits;
import io.cachecheck.remediate.Outcome;
import io.cachecheck.store.DirectoryObjectStore;
import io.cachecheck.workflow.WorkflowEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static io.cachecheck.local.LocalWorkflowIT.checkedAuditLog;
import static io.cachecheck.local.LocalWorkflowIT.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * Several executions of the whole definition sharing one output directory (so they share baselines), against
 * PostgreSQL (schema cc_it_baseline) and Redis (db 12) seeded afresh with {@link DemoData} for each test: baselines,
 * regressions, the regression gate and remediation. Every audit log is checked against the schema and for values.
 */
class BaselineRemediationWorkflowIT {
    private static final String SCHEMA = "cc_it_baseline";
    private static final int REDIS_DB = 12;
    private static final URI REDIS = URI.create("redis://127.0.0.1:6379/" + REDIS_DB);
    private static final DemoData DATA = new DemoData("jdbc:postgresql://127.0.0.1:5432/test", "postgres", SCHEMA, REDIS);
    private static final String STALE = "demo:acme:customer:3";
    private static final String ORPHAN = "demo:acme:customer:99";
    private static final String CORRUPT = "demo:globex:order:2";
    /** Consistent after seeding; a test makes it drift. */
    private static final String LATER_STALE = "demo:initech:customer:2";

    @TempDir
    Path out;
    private LocalWorkflow workflow;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    @BeforeEach
    void seed() throws Exception {
        DATA.seed();
        Contract contract = ContractLoader.create().parse(LocalWorkflowIT.contractText("127.0.0.1:5432", SCHEMA, REDIS_DB));
        WorkflowEnvironment env = WorkflowEnvironment.builder().store(new DirectoryObjectStore(out))
                .notifier(new ConsoleNotifier(new PrintStream(console, true, StandardCharsets.UTF_8)))
                .contract(() -> contract).build();
        workflow = new LocalWorkflow(env, LocalWorkflow.packagedDefinition(), AslOptions.defaults().withRetryIntervalScale(0),
                Duration.ofMinutes(15));
    }

    @AfterEach
    void drop() throws Exception {
        DATA.drop();
    }

    private static void cache(String key, String json) {
        try (Jedis jedis = new Jedis(REDIS)) {
            jedis.set(key, json);
        }
    }

    private static boolean cached(String key) {
        try (Jedis jedis = new Jedis(REDIS)) {
            return jedis.exists(key);
        }
    }

    /** The seeded JSON of a customer, with another tier (the database keeps its own). */
    private static String customer(String tier, boolean verified) {
        return "{\"tier\":\"" + tier + "\",\"emailVerified\":" + verified + ",\"updatedAt\":\"2024-03-01T10:00:00Z\","
                + "\"cachedAt\":\"2024-03-01T10:00:05Z\"}";
    }

    private AuditLog run(String runId, String json) throws Exception {
        LocalWorkflow.Run run = workflow.run(runId, input(json));
        assertThat(run.execution().status()).as(run.execution().cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        return checkedAuditLog(out, runId);
    }

    @Test
    void threeRuns_keepFirstSeen_flagNewDriftAsRegression_andShowFixedKeyResolved() throws Exception {
        AuditLog first = run("bl-1", "{'mode':'scheduled','gate':{'maxDriftRatio':1}}");
        AuditLog second = run("bl-2", "{'mode':'scheduled','gate':{'maxDriftRatio':1}}");
        cache(STALE, customer("silver", false));          // fixed: the database says silver
        cache(LATER_STALE, customer("gold", true));       // new drift: the database says silver
        AuditLog third = run("bl-3", "{'mode':'scheduled','gate':{'maxDriftRatio':1}}");

        assertThat(first.comparison().comparedTo()).isNull();
        assertThat(first.summary().regressions()).isZero();
        DriftedKey orphanFirstSeen = second.comparison().persistent().stream()
                .filter(k -> k.key().equals(ORPHAN)).findFirst().orElseThrow();
        assertThat(second.comparison().comparedTo()).isEqualTo("bl-1");
        assertThat(second.comparison().regressions()).isEmpty();
        assertThat(second.comparison().persistent()).extracting(DriftedKey::key)
                .containsExactlyInAnyOrder(STALE, ORPHAN, CORRUPT, "demo:umbrella:customer:1", "demo:misc:session:abc");
        assertThat(orphanFirstSeen.firstSeenRunId()).isEqualTo("bl-1");

        assertThat(third.comparison().comparedTo()).isEqualTo("bl-2");
        assertThat(third.comparison().persistent()).filteredOn(k -> k.key().equals(ORPHAN)).singleElement()
                .satisfies(k -> {
                    assertThat(k.firstSeen()).isEqualTo(orphanFirstSeen.firstSeen());
                    assertThat(k.firstSeenRunId()).isEqualTo("bl-1");
                });
        assertThat(third.comparison().resolved()).extracting(DriftedKey::key, DriftedKey::firstSeenRunId)
                .containsExactly(tuple(STALE, "bl-1"));
        assertThat(third.comparison().regressions()).extracting(Regression::kind, Regression::tenant, Regression::key)
                .containsExactlyInAnyOrder(tuple(Regression.Kind.NEW_DRIFT, "initech", LATER_STALE),
                        tuple(Regression.Kind.SCORE_DROP, "initech", null));
        assertThat(third.summary().regressions()).isEqualTo(2);
        assertThat(third.summary().resolved()).isEqualTo(1);
        assertThat(Files.readString(out.resolve("baselines/latest.json"))).contains("\"runId\" : \"bl-3\"");
        assertThat(console.toString(StandardCharsets.UTF_8))
                .contains("Baseline bl-2: regressions: 2 (1 newly drifting keys, 1 score drops), persistent: 4, resolved: 1");
    }

    @Test
    void scopedRuns_neitherResolveUnmappedKeys_norResetTheHistoryTheNextRunComparesWith() throws Exception {
        run("sc-1", "{'mode':'scheduled','gate':{'maxDriftRatio':1}}");
        // scoped to one tenant: it does not look for UNMAPPED keys, so it cannot prove them fixed
        AuditLog scoped = run("sc-2", "{'mode':'manual','tenantScope':['initech'],'gate':{'maxDriftRatio':1}}");
        // scoped and compared with nothing (the shipped manual sample's shape): it still becomes latest
        AuditLog none = run("sc-3", "{'mode':'manual','tenantScope':['initech'],'baseline':'none','gate':{'maxDriftRatio':1}}");
        LocalWorkflow.Run gate = workflow.run("sc-4", input("{'mode':'gate','gate':{'maxDriftRatio':1,'failOnRegression':true}}"));

        assertThat(scoped.comparison().resolved()).isEmpty();
        assertThat(scoped.comparison().unverified()).extracting(DriftedKey::key)
                .contains("demo:umbrella:customer:1", "demo:misc:session:abc");
        assertThat(none.comparison().comparedTo()).isNull();
        assertThat(gate.execution().status()).as(gate.execution().cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        AuditLog after = checkedAuditLog(out, "sc-4");
        assertThat(after.comparison().comparedTo()).isEqualTo("sc-3");
        assertThat(after.comparison().regressions()).isEmpty();
        assertThat(after.comparison().persistent()).extracting(DriftedKey::key, DriftedKey::firstSeenRunId)
                .containsExactlyInAnyOrder(tuple(STALE, "sc-1"), tuple(ORPHAN, "sc-1"), tuple(CORRUPT, "sc-1"),
                        tuple("demo:umbrella:customer:1", "sc-1"), tuple("demo:misc:session:abc", "sc-1"));
    }

    @Test
    void aFailedGate_keepsTheLatestBaseline_soARetryFailsAgainUntilTheDriftIsFixed() throws Exception {
        run("fg-1", "{'mode':'scheduled','gate':{'maxDriftRatio':1}}");
        String consistent;
        try (Jedis jedis = new Jedis(REDIS)) {
            consistent = jedis.get(LATER_STALE);
        }
        cache(LATER_STALE, customer("gold", true));
        String gate = "{'mode':'gate','gate':{'maxDriftRatio':0.5,'failOnRegression':true}}";

        LocalWorkflow.Run first = workflow.run("fg-2", input(gate));
        LocalWorkflow.Run retry = workflow.run("fg-3", input(gate));
        cache(LATER_STALE, consistent); // fixed
        LocalWorkflow.Run fixed = workflow.run("fg-4", input(gate));

        assertThat(first.execution().error()).isEqualTo("ConsistencyGateFailed");
        assertThat(retry.execution().error()).as("a retry must not pass with nothing fixed").isEqualTo("ConsistencyGateFailed");
        assertThat(checkedAuditLog(out, "fg-3").comparison().comparedTo()).isEqualTo("fg-1");
        assertThat(Files.exists(out.resolve("baselines/fg-2.json"))).isTrue(); // kept for the record, not made latest
        assertThat(fixed.execution().status()).as(fixed.execution().cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(Files.readString(out.resolve("baselines/latest.json"))).contains("\"runId\" : \"fg-4\"");
    }

    @Test
    void gateRun_failOnRegression_failsOnNewDriftUnderTheRatio_andPassesWithoutIt() throws Exception {
        run("rg-1", "{'mode':'scheduled','gate':{'maxDriftRatio':1}}");
        cache(LATER_STALE, customer("gold", true));

        LocalWorkflow.Run strict = workflow.run("rg-2", input(
                "{'mode':'gate','baseline':'rg-1','gate':{'maxDriftRatio':0.5,'failOnRegression':true}}"));
        LocalWorkflow.Run lenient = workflow.run("rg-3", input(
                "{'mode':'gate','baseline':'rg-1','gate':{'maxDriftRatio':0.5,'failOnRegression':false}}"));

        assertThat(strict.execution().error()).isEqualTo("ConsistencyGateFailed");
        assertThat(strict.execution().cause()).startsWith("verdict DRIFT: gate failed: 2 regression(s) since baseline rg-1:"
                + " 1 newly drifting key(s), 1 score drop(s); worst tenants:");
        AuditLog log = checkedAuditLog(out, "rg-2");
        assertThat(log.gate().passed()).isFalse();
        assertThat(log.summary().driftRatio()).isLessThan(0.5);
        assertThat(lenient.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(checkedAuditLog(out, "rg-3").comparison().comparedTo()).isEqualTo("rg-1");
    }

    @Test
    void manualRun_remediate_deletesDriftedKeys_andTheNextRunShowsThemResolved() throws Exception {
        AuditLog fixing = run("rm-1", "{'mode':'manual','remediate':true,'gate':{'maxDriftRatio':1}}");

        assertThat(fixing.remediation().requested()).isTrue();
        assertThat(fixing.remediation().report().results()).extracting(ActionResult::key, ActionResult::outcome)
                .containsExactly(tuple(STALE, Outcome.APPLIED), tuple(ORPHAN, Outcome.APPLIED), tuple(CORRUPT, Outcome.APPLIED));
        assertThat(fixing.remediation().plan().excluded()).extracting(e -> e.key() + "=" + e.reason())
                .containsExactlyInAnyOrder("demo:umbrella:customer:1=unmapped", "demo:misc:session:abc=unmapped");
        assertThat(fixing.summary().remediationApplied()).isEqualTo(3);
        assertThat(cached(STALE) || cached(ORPHAN) || cached(CORRUPT)).isFalse();
        assertThat(cached("demo:acme:customer:1")).isTrue();
        assertThat(console.toString(StandardCharsets.UTF_8))
                .contains("Remediation: required for 3 keys, done: applied 3, skipped (changed) 0, skipped (gone) 0, failed 0");

        AuditLog after = run("rm-2", "{'mode':'manual','gate':{'maxDriftRatio':1}}");

        assertThat(after.comparison().resolved()).extracting(DriftedKey::key).containsExactlyInAnyOrder(STALE, ORPHAN, CORRUPT);
        assertThat(after.findings()).extracting(f -> f.driftClass()).containsOnly(DriftClass.UNMAPPED);
        assertThat(after.summary().remediationRequired()).isZero();
    }

    @Test
    void gateRun_refusesRemediationUnlessAllowed_andOtherwiseOnlyPlans() throws Exception {
        LocalWorkflow.Run refused = workflow.run("gr-1", input("{'mode':'gate','remediate':true,'gate':{'maxDriftRatio':1}}"));

        assertThat(refused.execution().error()).isEqualTo("InvalidInput");
        assertThat(refused.auditLog()).isEmpty();
        assertThat(cached(STALE)).isTrue();

        AuditLog dryRun = run("gr-2", "{'mode':'gate','gate':{'maxDriftRatio':1}}");
        assertThat(dryRun.remediation().requested()).isFalse();
        assertThat(dryRun.remediation().report().results()).extracting(ActionResult::outcome)
                .containsExactly(Outcome.DRY_RUN, Outcome.DRY_RUN, Outcome.DRY_RUN);
        assertThat(cached(STALE)).isTrue();

        AuditLog allowed = run("gr-3", "{'mode':'gate','remediate':true,'gate':{'maxDriftRatio':1,'allowRemediation':true}}");
        assertThat(allowed.remediation().report().results()).extracting(ActionResult::outcome)
                .containsOnly(Outcome.APPLIED).hasSize(3);
        assertThat(cached(STALE)).isFalse();
    }

    @Test
    void cli_redactKeysAndRemediate_printsCounts_andNoOutputFileHasPlainKeysOrValues(@TempDir Path in) throws Exception {
        Path contract = in.resolve("contract.yaml");
        Files.writeString(contract, LocalWorkflowIT.contractText("127.0.0.1:5432", SCHEMA, REDIS_DB));
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        CacheCheckCli cli = new CacheCheckCli(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        String[] common = {"validate", "--contract", contract.toString(), "--out", out.toString(), "--quiet",
                "--redact-keys", "--max-drift-ratio", "1", "--score-tolerance", "0.5"};

        int first = cli.run(concat(common, "--run-id", "cli-1", "--baseline", "none", "--remediate"));
        int second = cli.run(concat(common, "--run-id", "cli-2", "--fail-on-regression"));

        assertThat(first).as(stderr.toString(StandardCharsets.UTF_8)).isEqualTo(CacheCheckCli.DRIFT);
        assertThat(second).as(stderr.toString(StandardCharsets.UTF_8)).isEqualTo(CacheCheckCli.DRIFT);
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains(
                "Remediation: required for 3 keys, done: applied 3",
                "Baseline cli-1: regressions: 0 (0 newly drifting keys, 0 score drops), persistent: 2, resolved: 3",
                "Remediation: required for 0 keys");
        for (String runId : new String[]{"cli-1", "cli-2"}) {
            AuditLog log = checkedAuditLog(out, runId);
            assertThat(log.keyScheme()).startsWith("hmac-sha256:");
            assertThat(Files.readString(out.resolve("audit/" + runId + ".json"))).doesNotContain("demo:");
        }
        assertThat(Files.readString(out.resolve("baselines/cli-2.json"))).doesNotContain("demo:").contains("hmac:");
        assertThat(cached(STALE)).isFalse();
        // every file the runs wrote: shard results, tenant lists, audit logs, baselines
        List<Path> written;
        try (Stream<Path> files = Files.walk(out)) {
            written = files.filter(Files::isRegularFile).toList();
        }
        assertThat(written).extracting(f -> out.relativize(f).toString().replace('\\', '/'))
                .contains("runs/cli-1/shards/shard-0.json", "audit/cli-1.json", "baselines/cli-1.json");
        for (Path file : written) {
            assertThat(Files.readString(file)).as(file.toString())
                    .doesNotContain("demo:", "acme:customer", "\"gold\"", "\"silver\"", "shipped", "{\"status\":");
        }
        assertThat(Files.readString(out.resolve("runs/cli-1/shards/shard-0.json"))).contains("\"sealedKeys\"", "hmac:");
    }

    @Test
    void cli_maxRemediationKeys1_refusesTheThreeKeyPlan_andTheAuditLogSaysWhy(@TempDir Path in) throws Exception {
        Path contract = in.resolve("contract.yaml");
        Files.writeString(contract, LocalWorkflowIT.contractText("127.0.0.1:5432", SCHEMA, REDIS_DB));
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        CacheCheckCli cli = new CacheCheckCli(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));

        int code = cli.run(new String[]{"validate", "--contract", contract.toString(), "--out", out.toString(), "--quiet",
                "--run-id", "cap-1", "--max-drift-ratio", "1", "--remediate", "--max-remediation-keys", "1",
                "--max-writes-per-second", "50"});

        assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isEqualTo(CacheCheckCli.DRIFT);
        AuditLog log = checkedAuditLog(out, "cap-1");
        assertThat(log.remediation().plan().limits()).isEqualTo(new Limits(1, Limits.DEFAULT_MAX_KEYS_PER_TENANT, 50));
        assertThat(log.remediation().plan().actions()).hasSize(3);
        assertThat(log.remediation().plan().executable()).isFalse();
        assertThat(log.remediation().report().executed()).isFalse();
        assertThat(log.remediation().report().results()).isEmpty();
        assertThat(log.remediation().report().notExecutedReasons()).containsExactly("plan has 3 actions, more than"
                + " maxKeysPerRun 1; nothing was executed: look into the cause, then raise the limit or remediate fewer"
                + " tenants per run");
        assertThat(log.steps()).filteredOn(st -> st.action().equals("remediate")).singleElement()
                .satisfies(st -> assertThat(st.status()).isEqualTo("blocked"));
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("Remediation: required for 3 keys, not executed: plan has 3"
                + " actions, more than maxKeysPerRun 1");
        assertThat(cached(STALE) && cached(ORPHAN) && cached(CORRUPT)).isTrue();
    }

    @Test
    void cli_whenARemediationLimitIsInvalid_failsNamingTheInputField(@TempDir Path in) throws Exception {
        Path contract = in.resolve("contract.yaml");
        Files.writeString(contract, LocalWorkflowIT.contractText("127.0.0.1:5432", SCHEMA, REDIS_DB));
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        CacheCheckCli cli = new CacheCheckCli(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));

        assertThat(cli.run(new String[]{"validate", "--contract", contract.toString(), "--out", out.toString(), "--quiet",
                "--max-remediation-keys-per-tenant", "ten"})).isEqualTo(CacheCheckCli.INCOMPLETE_OR_ERROR);
        assertThat(stderr.toString(StandardCharsets.UTF_8))
                .contains("--max-remediation-keys-per-tenant: 'ten' is not a positive whole number");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
