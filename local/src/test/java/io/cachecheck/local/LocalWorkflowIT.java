package io.cachecheck.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachecheck.audit.AuditLog;
import io.cachecheck.audit.AuditLogSchemaValidator;
import io.cachecheck.audit.TenantReport;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Finding;
import io.cachecheck.check.Verdict;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.local.asl.AslOptions;
import io.cachecheck.local.asl.ExecutionStatus;
import io.cachecheck.local.asl.StateEvent;
import io.cachecheck.local.cli.CacheCheckCli;
import io.cachecheck.notify.ConsoleNotifier;
import io.cachecheck.store.DirectoryObjectStore;
import io.cachecheck.workflow.Json;
import io.cachecheck.workflow.WorkflowEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole state machine definition, run by the local interpreter with the real handlers, against PostgreSQL
 * (schema cc_it_workflow) and Redis (db 6) seeded with {@link DemoData}.
 */
class LocalWorkflowIT {
    private static final String SCHEMA = "cc_it_workflow";
    private static final URI REDIS = URI.create("redis://127.0.0.1:6379/6");
    private static final DemoData DATA = new DemoData("jdbc:postgresql://127.0.0.1:5432/test", "postgres", SCHEMA, REDIS);

    @TempDir
    Path out;

    @BeforeAll
    static void seed() throws Exception {
        DATA.seed();
    }

    @AfterAll
    static void drop() throws Exception {
        DATA.drop();
    }

    static String contractText(String pgHostPort) throws Exception {
        return contractText(pgHostPort, SCHEMA, 6);
    }

    /** The demo contract pointed at a schema and Redis database of the test's own. */
    static String contractText(String pgHostPort, String schema, int redisDb) throws Exception {
        return Files.readString(Path.of("../docs/examples/demo-contract.yaml"))
                .replace("cachecheck_demo.", schema + ".")
                .replace("${CACHECHECK_DEMO_REDIS:-127.0.0.1:6379}/9", "127.0.0.1:6379/" + redisDb)
                .replace("${CACHECHECK_DEMO_PG:-127.0.0.1:5432}", pgHostPort)
                .replace("graceMillis: 200", "graceMillis: 0\n  maxRetries: 1\n  retryBackoffMillis: 10");
    }

    private LocalWorkflow workflow(Contract contract, ByteArrayOutputStream console) {
        WorkflowEnvironment env = WorkflowEnvironment.builder().store(new DirectoryObjectStore(out))
                .notifier(new ConsoleNotifier(new PrintStream(console, true, StandardCharsets.UTF_8)))
                .contract(() -> contract).build();
        return new LocalWorkflow(env, LocalWorkflow.packagedDefinition(), AslOptions.defaults().withRetryIntervalScale(0),
                Duration.ofMinutes(15));
    }

    static JsonNode input(String json) throws Exception {
        return Json.MAPPER.readTree(json.replace('\'', '"'));
    }

    /** Values {@link DemoData} writes into the cache and the database: none may appear in an audit log. */
    static final List<String> SEEDED_VALUES = List.of("gold", "silver", "shipped", "2024-03-01T10:00:05Z");

    /** The audit log the run wrote: valid against docs/audit-log.schema.json and free of seeded values. */
    static AuditLog checkedAuditLog(Path out, String runId) throws Exception {
        String json = Files.readString(out.resolve("audit/" + runId + ".json"));
        assertThat(AuditLogSchemaValidator.create().check(json, SEEDED_VALUES)).as("audit log of " + runId).isEmpty();
        return Json.MAPPER.readValue(json, AuditLog.class);
    }

    @Test
    void manualRun_writesAuditLogWithExactlyTheInjectedDrift() throws Exception {
        Contract contract = ContractLoader.create().parse(contractText("127.0.0.1:5432"));
        ByteArrayOutputStream console = new ByteArrayOutputStream();

        LocalWorkflow.Run run = workflow(contract, console).run("it-manual", input("{'mode':'manual','gate':{'maxDriftRatio':1}}"));

        assertThat(run.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(run.execution().output().get("verdict").asText()).isEqualTo("DRIFT");
        AuditLog log = run.auditLog().orElseThrow();
        assertThat(log.runId()).isEqualTo("it-manual");
        assertThat(log.trigger().mode()).isEqualTo("manual");
        assertThat(log.findings()).extracting(f -> f.tenant() + "|" + f.namespace() + "|" + f.key() + "|" + f.driftClass())
                .containsExactlyInAnyOrder(
                        "acme|customer|demo:acme:customer:3|STALE",
                        "acme|customer|demo:acme:customer:99|ORPHAN",
                        "globex|order|demo:globex:order:2|CORRUPT",
                        "umbrella|null|demo:umbrella:customer:1|UNMAPPED",
                        "null|null|demo:misc:session:abc|UNMAPPED");
        Finding stale = log.findings().stream().filter(f -> f.driftClass() == DriftClass.STALE).findFirst().orElseThrow();
        assertThat(stale.fields()).containsExactly("tier");
        assertThat(log.summary().verdict()).isEqualTo(Verdict.DRIFT);
        assertThat(log.summary().keysChecked()).isEqualTo(27);
        assertThat(log.summary().driftedKeys()).isEqualTo(5);
        assertThat(log.summary().counts()).containsAllEntriesOf(Map.of(DriftClass.CONSISTENT, 22L, DriftClass.STALE, 1L,
                DriftClass.ORPHAN, 1L, DriftClass.CORRUPT, 1L, DriftClass.UNMAPPED, 2L, DriftClass.IN_FLIGHT, 0L));
        assertThat(log.summary().consistencyScore()).isEqualTo(81.48);
        assertThat(log.summary().tenantsValidated()).isEqualTo(3);
        assertThat(log.summary().worstTenants()).extracting(t -> t.tenant() + "=" + t.score())
                .containsExactly("acme=77.78", "globex=87.5");
        assertThat(log.tenants()).extracting(TenantReport::tenant, TenantReport::keysChecked, TenantReport::verdict)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("acme", 9L, Verdict.DRIFT),
                        org.assertj.core.groups.Tuple.tuple("globex", 8L, Verdict.DRIFT),
                        org.assertj.core.groups.Tuple.tuple("initech", 8L, Verdict.CONSISTENT));
        assertThat(log.namespaces()).extracting(n -> n.namespace() + "=" + n.keysChecked())
                .containsExactlyInAnyOrder("customer=16", "order=9");
        assertThat(log.steps().get(0).action()).isEqualTo("validate-input");
        assertThat(log.steps().get(log.steps().size() - 1).action()).isEqualTo("publish-summary");
        assertThat(checkedAuditLog(out, "it-manual")).isEqualTo(log);
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("cachecheck DRIFT: run it-manual",
                "Worst tenants: acme 77.78 (2 drifted), globex 87.5 (1 drifted)");
    }

    @Test
    void manualRun_with30000Tenants_storesTenantListsAndStaysUnderTheStepFunctionsPayloadQuota() throws Exception {
        String schema = "cc_it_manytenants";
        DemoData data = new DemoData("jdbc:postgresql://127.0.0.1:5432/test", "postgres", schema, URI.create("redis://127.0.0.1:6379/13"));
        data.seed();
        try {
            try (java.sql.Connection db = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
                 java.sql.Statement st = db.createStatement()) {
                // about 660 KB of tenant ids: inline in the work items, DiscoverShards' result would pass 256 KiB and
                // Step Functions would fail the execution with States.DataLimitExceeded (the interpreter does too)
                st.execute("INSERT INTO " + schema + ".tenants SELECT 'bulk-tenant-' || lpad(g::text, 6, '0'), true"
                        + " FROM generate_series(1, 30000) g");
            }
            Contract contract = ContractLoader.create().parse(contractText("127.0.0.1:5432", schema, 13));

            LocalWorkflow.Run run = workflow(contract, new ByteArrayOutputStream())
                    .run("it-many-tenants", input("{'mode':'manual','gate':{'maxDriftRatio':1}}"));

            assertThat(run.execution().status()).as("%s %s", run.execution().error(), run.execution().cause())
                    .isEqualTo(ExecutionStatus.SUCCEEDED);
            AuditLog log = run.auditLog().orElseThrow();
            assertThat(log.summary().tenantsInScope()).isEqualTo(30_003);
            assertThat(log.summary().tenantsValidated()).isEqualTo(30_003);
            assertThat(log.summary().keysChecked()).isEqualTo(27);
            assertThat(log.findings()).hasSize(5);
            try (var lists = Files.list(out.resolve("runs/it-many-tenants/work"))) {
                assertThat(lists.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder("shard-0.tenants.json", "shard-1.tenants.json");
            }
        } finally {
            data.drop();
        }
    }

    @Test
    void gateRun_whenDriftOverThreshold_failsWithConsistencyGateFailed() throws Exception {
        Contract contract = ContractLoader.create().parse(contractText("127.0.0.1:5432"));

        LocalWorkflow.Run run = workflow(contract, new ByteArrayOutputStream())
                .run("it-gate", input("{'mode':'gate','gate':{'maxDriftRatio':0.1}}"));

        assertThat(run.execution().status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.execution().error()).isEqualTo("ConsistencyGateFailed");
        assertThat(run.execution().cause()).startsWith("verdict DRIFT: gate failed: drift ratio 0.185185 (5 of 27 keys)"
                        + " exceeds maxDriftRatio 0.100000; worst tenants: acme (score 77.78, 2 drifted), globex (score 87.5, 1 drifted)");
        assertThat(checkedAuditLog(out, "it-gate").trigger().maxDriftRatio()).isEqualTo(0.1);
    }

    @Test
    void run_whenDatabaseUnreachable_endsIncompleteAndAuditLogSaysWhy() throws Exception {
        // Tenant discovery succeeds on the real database; the shard's database is a closed port.
        Contract good = ContractLoader.create().parse(contractText("127.0.0.1:5432"));
        Contract closed = ContractLoader.create().parse(contractText("127.0.0.1:1"));
        WorkflowEnvironment env = WorkflowEnvironment.builder().store(new DirectoryObjectStore(out))
                .notifier(new ConsoleNotifier(new PrintStream(new ByteArrayOutputStream())))
                .contract(new java.util.function.Supplier<>() {
                    private int calls;

                    @Override
                    public synchronized Contract get() {
                        return calls++ == 0 ? good : closed;
                    }
                }).build();
        LocalWorkflow workflow = new LocalWorkflow(env, LocalWorkflow.packagedDefinition(),
                AslOptions.defaults().withRetryIntervalScale(0), Duration.ofMinutes(15));

        LocalWorkflow.Run run = workflow.run("it-incomplete", input("{'mode':'scheduled'}"));

        assertThat(run.execution().error()).isEqualTo("ConsistencyGateFailed");
        assertThat(run.execution().cause()).startsWith("verdict INCOMPLETE: gate failed: the run is incomplete: part of the"
                + " scope was not checked");
        AuditLog log = checkedAuditLog(out, "it-incomplete");
        // no tenant was checked: nothing is resolved, and the unmapped keys (found by the scan) get no action
        assertThat(log.comparison().resolved()).isEmpty();
        assertThat(log.remediation().plan().actions()).isEmpty();
        assertThat(log.remediation().plan().excluded()).extracting(e -> e.reason()).containsOnly("unmapped");
        assertThat(log.summary().verdict()).isEqualTo(Verdict.INCOMPLETE);
        assertThat(log.summary().tenantsValidated()).isZero();
        assertThat(log.tenants()).allSatisfy(t -> assertThat(t.verdict()).isEqualTo(Verdict.INCOMPLETE));
        assertThat(log.shards()).singleElement().satisfies(s -> {
            assertThat(s.verdict()).isEqualTo(Verdict.INCOMPLETE);
            assertThat(s.skipped()).extracting(k -> k.reason()).allMatch(r -> r.startsWith("source-unavailable"));
        });
    }

    @Test
    void run_whenInputInvalid_failsAtValidateInputAndRunsNothingElse() throws Exception {
        Contract contract = ContractLoader.create().parse(contractText("127.0.0.1:5432"));

        LocalWorkflow.Run run = workflow(contract, new ByteArrayOutputStream())
                .run("it-invalid", input("{'mode':'manual','maxConcurency':8}"));

        assertThat(run.execution().status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.execution().error()).isEqualTo("InvalidInput");
        assertThat(CacheCheckCli.causeMessage(run.execution().cause())).isEqualTo("maxConcurency: unknown field; allowed fields are"
                + " [baseline, gate, maxConcurrency, mode, remediate, remediation, sample, tenantScope, throttle] (did you mean maxConcurrency?)");
        assertThat(run.execution().history()).extracting(StateEvent::stateName).containsOnly("ValidateInput", "InvalidInput");
        assertThat(run.auditLog()).isEmpty();
        assertThat(Files.exists(out.resolve("runs/it-invalid"))).isFalse();
    }

    @Test
    void run_whenInputIsNotAJsonObject_stillFailsAsInvalidInputNamingTheFix() throws Exception {
        Contract contract = ContractLoader.create().parse(contractText("127.0.0.1:5432"));
        LocalWorkflow wf = workflow(contract, new ByteArrayOutputStream());

        for (String notAnObject : List.of("[]", "\"manual\"", "null", "42")) {
            LocalWorkflow.Run run = wf.run("it-notobject-" + Math.abs(notAnObject.hashCode()), input(notAnObject));

            assertThat(run.execution().error()).as(notAnObject).isEqualTo("InvalidInput");
            assertThat(CacheCheckCli.causeMessage(run.execution().cause())).as(notAnObject).contains("JSON object");
            assertThat(run.execution().history()).extracting(StateEvent::stateName).containsOnly("ValidateInput", "InvalidInput");
        }
    }

    @Test
    void cli_validateCommand_scopedToConsistentTenant_printsSummaryAndExitsZero() throws Exception {
        Path contract = out.resolve("contract.yaml");
        Files.writeString(contract, contractText("127.0.0.1:5432"));
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        CacheCheckCli cli = new CacheCheckCli(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));

        // initech itself is consistent; a tenant-scoped run does not report keys outside its scope (unmapped keys).
        int exit = cli.run(new String[]{"validate", "--contract", contract.toString(), "--out", out.toString(),
                "--tenants", "initech", "--run-id", "it-cli", "--max-drift-ratio", "0.5", "--quiet"});

        assertThat(exit).as(stderr.toString(StandardCharsets.UTF_8)).isEqualTo(CacheCheckCli.CONSISTENT);
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("Run it-cli (manual): CONSISTENT",
                "Tenants validated: 1 of 1 (0 with drift)", "Keys checked: 8, drifted: 0 (stale 0, orphan 0, corrupt 0, unmapped 0)",
                "Baseline: none to compare with (first run); regressions: 0", "Remediation: not required",
                "Gate passed. Audit log: " + out.resolve("audit/it-cli.json"));
        // the report: linked from the summary the CLI prints, just before the audit log
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("Report: " + out.resolve("audit/it-cli.html")
                + "\nAudit log: " + out.resolve("audit/it-cli.json"));
        assertThat(out.resolve("audit/it-cli.html")).isRegularFile();
        checkedAuditLog(out, "it-cli");
    }

    @Test
    void cli_inputFile_runsTheShippedEventSampleAsTheConsoleWould() throws Exception {
        Path contract = out.resolve("contract.yaml");
        Files.writeString(contract, contractText("127.0.0.1:5432"));
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        CacheCheckCli cli = new CacheCheckCli(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        Path gateSample = Path.of("..", "events", "cache-validation-gate.json");

        // the seeded data drifts far beyond the sample's maxDriftRatio 0.001: the gate fails, as CodePipeline would see it
        int exit = cli.run(new String[]{"validate", "--contract", contract.toString(), "--out", out.toString(),
                "--input", gateSample.toString(), "--run-id", "it-input", "--quiet"});
        int mixed = cli.run(new String[]{"validate", "--contract", contract.toString(), "--out", out.toString(),
                "--input", gateSample.toString(), "--tenants", "acme", "--quiet"});

        assertThat(exit).as(stderr.toString(StandardCharsets.UTF_8)).isEqualTo(CacheCheckCli.DRIFT);
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("Run it-input (gate): DRIFT", "Gate failed (ConsistencyGateFailed)");
        AuditLog log = checkedAuditLog(out, "it-input");
        assertThat(log.trigger().mode()).isEqualTo("gate");
        assertThat(log.trigger().maxDriftRatio()).isEqualTo(0.001);
        // an error in the file names the file's field, not an option that was never typed
        Path badFile = out.resolve("bad-input.json");
        Files.writeString(badFile, "{\"mode\": \"manual\", \"maxConcurrency\": 10001}");
        int bad = cli.run(new String[]{"validate", "--contract", contract.toString(), "--out", out.toString(),
                "--input", badFile.toString(), "--quiet"});
        assertThat(bad).isEqualTo(2);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("InvalidInput: maxConcurrency: 10001 is invalid")
                .doesNotContain("--max-concurrency");
        assertThat(mixed).isEqualTo(2);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("error: --input " + gateSample
                + " is the whole execution input; drop [--tenants] or set the same fields in the file");
    }

    @Test
    void cli_whenInputOrContractInvalid_printsOneLineAndExits2() throws Exception {
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        CacheCheckCli cli = new CacheCheckCli(new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        Path contract = out.resolve("contract.yaml");
        Files.writeString(contract, contractText("127.0.0.1:5432"));

        int badInput = cli.run(new String[]{"validate", "--contract", contract.toString(), "--out", out.toString(),
                "--max-concurrency", "10001", "--quiet"});
        Files.writeString(contract, "version: 1\ncache: {url: 'http://x'}\n");
        int badContract = cli.run(new String[]{"validate", "--contract", contract.toString(), "--quiet"});

        assertThat(badInput).isEqualTo(2);
        assertThat(badContract).isEqualTo(2);
        List<String> lines = stderr.toString(StandardCharsets.UTF_8).lines().collect(Collectors.toList());
        assertThat(lines).containsExactly(
                "error: --max-concurrency: 10001 is invalid; use a whole number from 1 to 10000 (default 4) [execution input field"
                        + " maxConcurrency] (run " + runIdIn(lines.get(0)) + " FAILED at ValidateInput: InvalidInput)",
                "error: cache.url: 'http://x' must start with redis:// or rediss:// (TLS)");
    }

    private static String runIdIn(String line) {
        int at = line.indexOf("(run ") + 5;
        return line.substring(at, line.indexOf(' ', at));
    }
}
