package io.cachecheck.local;

import io.cachecheck.audit.AuditLog;
import io.cachecheck.audit.ShardReport;
import io.cachecheck.baseline.Baseline;
import io.cachecheck.baseline.BaselineCodec;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Finding;
import io.cachecheck.check.Verdict;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.local.asl.AslOptions;
import io.cachecheck.local.asl.ExecutionStatus;
import io.cachecheck.notify.ConsoleNotifier;
import io.cachecheck.remediate.Outcome;
import io.cachecheck.store.DirectoryObjectStore;
import io.cachecheck.testing.RedisServerProcess;
import io.cachecheck.workflow.WorkflowEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.cachecheck.local.LocalWorkflowIT.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * docs/contract.md "Cells", as written: two cells on this machine (PostgreSQL databases cc_cells_a and cc_cells_b, a
 * catalog in schema cc_cells_catalog of database test, two throw-away Redis servers), each with its own drift, run
 * through the packaged state machine in-process (discovery, the Map and Aggregate). Every finding is found exactly
 * and attributed to its cell; a cell whose cache is down makes only that cell INCOMPLETE.
 */
class CellsWorkflowIT {
    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/";
    private static final Path PAGE = Path.of("../docs/contract.md");
    /** The passwords the contract's passwordEnv names (PostgreSQL trusts local connections, so any is accepted). */
    private static final Map<String, String> ENV = Map.of("CELL_a_DB_PASSWORD", "pw-cell-a-secret",
            "CELL_b_DB_PASSWORD", "pw-cell-b-secret");

    private static RedisServerProcess cacheA;
    private static RedisServerProcess cacheB;

    @TempDir
    Path out;

    @BeforeAll
    static void databases() throws Exception {
        dropDatabases();
        try (Connection c = DriverManager.getConnection(PG + "test", "postgres", ""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE cc_cells_a");
            s.execute("CREATE DATABASE cc_cells_b");
        }
        for (String cell : List.of("a", "b")) {
            try (Connection c = DriverManager.getConnection(PG + "cc_cells_" + cell, "postgres", "");
                 Statement s = c.createStatement()) {
                s.execute("CREATE TABLE customers (tenant_id text, customer_id int, name text, tier text,"
                        + " PRIMARY KEY (tenant_id, customer_id))");
            }
        }
    }

    @AfterAll
    static void dropDatabases() throws Exception {
        try (Connection c = DriverManager.getConnection(PG + "test", "postgres", ""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS cc_cells_a WITH (FORCE)");
            s.execute("DROP DATABASE IF EXISTS cc_cells_b WITH (FORCE)");
            s.execute("DROP DATABASE IF EXISTS cc_cells_b_away WITH (FORCE)");
            s.execute("DROP SCHEMA IF EXISTS cc_cells_catalog CASCADE");
        }
    }

    @BeforeEach
    void seed() throws Exception {
        cacheA = RedisServerProcess.start();
        cacheB = RedisServerProcess.start();
        try (Connection c = DriverManager.getConnection(PG + "test", "postgres", ""); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS cc_cells_catalog CASCADE");
            s.execute("CREATE SCHEMA cc_cells_catalog");
            s.execute("CREATE TABLE cc_cells_catalog.tenants (tenant_id text PRIMARY KEY, cell text, cache_host text,"
                    + " cache_port int, db_host text, active boolean)");
            s.execute("INSERT INTO cc_cells_catalog.tenants VALUES"
                    + " ('acme', 'a', '127.0.0.1', " + cacheA.port() + ", '127.0.0.1', true),"
                    + " ('globex', 'a', '127.0.0.1', " + cacheA.port() + ", '127.0.0.1', true),"
                    + " ('initech', 'b', '127.0.0.1', " + cacheB.port() + ", '127.0.0.1', true),"
                    + " ('umbrella', 'b', '127.0.0.1', " + cacheB.port() + ", '127.0.0.1', true)");
        }
        // cell a: acme/2 is STALE (tier differs); cell b: initech/3 is ORPHAN (no row). Each cache also holds one key
        // no namespace claims, with the same text in both cells.
        seedCell("a", cacheA, List.of("acme", "globex"), "acme", 2, "tier");
        seedCell("b", cacheB, List.of("initech", "umbrella"), "initech", 3, "row");
    }

    private static void seedCell(String cell, RedisServerProcess cache, List<String> tenants, String drifting, int id,
                                 String how) throws Exception {
        try (Connection c = DriverManager.getConnection(PG + "cc_cells_" + cell, "postgres", "");
             Statement s = c.createStatement(); Jedis redis = cache.client()) {
            s.execute("TRUNCATE customers");
            for (String tenant : tenants) {
                for (int i = 1; i <= 3; i++) {
                    boolean orphan = tenant.equals(drifting) && i == id && how.equals("row");
                    if (!orphan) {
                        s.execute("INSERT INTO customers VALUES ('" + tenant + "', " + i + ", 'name-" + i + "', 'gold')");
                    }
                    String tier = tenant.equals(drifting) && i == id && how.equals("tier") ? "silver" : "gold";
                    redis.set("cc:" + tenant + ":customer:" + i, "{\"name\":\"name-" + i + "\",\"tier\":\"" + tier + "\"}");
                }
            }
            redis.set("junk:1", "x");
        }
    }

    @AfterEach
    void stop() {
        cacheA.close();
        cacheB.close();
    }

    /** The first yaml block of the "Cells" section, with the test's timings. */
    static String docsContract() throws Exception {
        String page = Files.readString(PAGE);
        int from = page.indexOf("\n## Cells\n");
        assertThat(from).as("docs/contract.md has a Cells section").isPositive();
        Matcher m = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(page.substring(from));
        assertThat(m.find()).isTrue();
        return m.group(1).replace("\nnamespaces:", "\ncheck: {graceMillis: 0, maxRetries: 1, retryBackoffMillis: 10}\nnamespaces:");
    }

    private LocalWorkflow workflow(ByteArrayOutputStream console) throws Exception {
        return workflow(console, ENV);
    }

    private LocalWorkflow workflow(ByteArrayOutputStream console, Map<String, String> environment) throws Exception {
        Contract contract = ContractLoader.withEnvironment(k -> null).parse(docsContract());
        assertThat(contract.cells()).isTrue();
        WorkflowEnvironment env = WorkflowEnvironment.builder().store(new DirectoryObjectStore(out))
                .notifier(new ConsoleNotifier(new PrintStream(console, true, StandardCharsets.UTF_8)))
                .secrets(SecretResolver.withEnvironment(environment::get))
                .contract(() -> contract).build();
        return new LocalWorkflow(env, LocalWorkflow.packagedDefinition(), AslOptions.defaults().withRetryIntervalScale(0),
                Duration.ofMinutes(5));
    }

    private AuditLog checked(String runId) throws Exception {
        String json = Files.readString(out.resolve("audit/" + runId + ".json"));
        assertThat(io.cachecheck.audit.AuditLogSchemaValidator.create().check(json, List.of("pw-cell-a-secret",
                "pw-cell-b-secret", "silver", "name-1"))).as("audit log of " + runId).isEmpty();
        return io.cachecheck.workflow.Json.MAPPER.readValue(json, AuditLog.class);
    }

    @Test
    void twoCells_eachDriftIsFoundExactly_andAttributedToItsCell() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        LocalWorkflow.Run run = workflow(console).run("cells-1", input("{'mode':'manual','gate':{'maxDriftRatio':1}}"));

        assertThat(run.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        AuditLog log = checked("cells-1");
        assertThat(log.summary().verdict()).isEqualTo(Verdict.DRIFT);
        assertThat(log.findings()).extracting(f -> f.cell() + "|" + f.tenant() + "|" + f.key() + "|" + f.driftClass())
                .containsExactlyInAnyOrder(
                        "a|acme|cc:acme:customer:2|STALE",
                        "b|initech|cc:initech:customer:3|ORPHAN",
                        "a|null|junk:1|UNMAPPED",
                        "b|null|junk:1|UNMAPPED");
        assertThat(log.summary().keysChecked()).isEqualTo(14);
        assertThat(log.summary().counts()).containsAllEntriesOf(Map.of(DriftClass.CONSISTENT, 10L, DriftClass.STALE, 1L,
                DriftClass.ORPHAN, 1L, DriftClass.UNMAPPED, 2L));
        // each work item scanned only its own cell's cache: 6 tenant keys + 1 unmapped key each
        assertThat(log.shards()).extracting(ShardReport::shardId, s -> s.cell().id(), s -> s.cell().cache(),
                        s -> s.cell().source(), ShardReport::keysScanned, ShardReport::verdict)
                .containsExactlyInAnyOrder(
                        tuple("shard-a", "a", "127.0.0.1:" + cacheA.port() + "/0", "127.0.0.1:5432/cc_cells_a", 7L, Verdict.DRIFT),
                        tuple("shard-b", "b", "127.0.0.1:" + cacheB.port() + "/0", "127.0.0.1:5432/cc_cells_b", 7L, Verdict.DRIFT));
        assertThat(log.shards()).allSatisfy(s -> assertThat(s.tenants()).hasSize(2));

        Baseline baseline = BaselineCodec.read(Files.readAllBytes(out.resolve("baselines/cells-1.json")));
        assertThat(baseline.drifted()).extracting(d -> d.cell() + "|" + d.key() + "|" + d.driftClass())
                .containsExactlyInAnyOrder("a|cc:acme:customer:2|STALE", "b|cc:initech:customer:3|ORPHAN",
                        "a|junk:1|UNMAPPED", "b|junk:1|UNMAPPED");
        String stored = Files.readString(out.resolve("baselines/cells-1.json")) + Files.readString(out.resolve("audit/cells-1.json"))
                + console.toString(StandardCharsets.UTF_8);
        assertThat(stored).doesNotContain("pw-cell-a-secret").doesNotContain("pw-cell-b-secret");

        // new drift in cell b only: the next run's regression names cell b
        try (Jedis b = cacheB.client()) {
            b.set("cc:umbrella:customer:1", "{\"name\":\"name-1\",\"tier\":\"silver\"}");
        }
        // remediation acts on each cell's own cache: each drifted key is deleted there, and nothing in the other cell
        LocalWorkflow.Run fix = workflow(console).run("cells-2", input("{'mode':'manual','remediate':true,'gate':{'maxDriftRatio':1}}"));
        assertThat(fix.execution().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        AuditLog fixing = checked("cells-2");
        assertThat(fixing.remediation().report().results()).extracting(r -> r.key() + "=" + r.outcome())
                .containsExactlyInAnyOrder("cc:acme:customer:2=" + Outcome.APPLIED, "cc:initech:customer:3=" + Outcome.APPLIED,
                        "cc:umbrella:customer:1=" + Outcome.APPLIED);
        assertThat(fixing.comparison().regressions()).extracting(r -> r.kind() + "|" + r.cell() + "|" + r.tenant() + "|"
                        + r.key() + "|" + r.driftClass())
                .containsExactlyInAnyOrder("NEW_DRIFT|b|umbrella|cc:umbrella:customer:1|STALE", "SCORE_DROP|null|umbrella|null|null");
        try (Jedis a = cacheA.client(); Jedis b = cacheB.client()) {
            assertThat(a.exists("cc:acme:customer:2")).isFalse();
            assertThat(b.exists("cc:initech:customer:3")).isFalse();
            assertThat(b.exists("cc:umbrella:customer:1")).isFalse();
            assertThat(a.dbSize()).isEqualTo(6);
            assertThat(b.dbSize()).isEqualTo(5);
        }
        // the persistent drift of the second run kept its cell
        assertThat(fixing.comparison().persistent()).extracting(d -> d.cell() + "|" + d.key())
                .containsExactlyInAnyOrder("a|cc:acme:customer:2", "b|cc:initech:customer:3", "a|junk:1", "b|junk:1");
    }

    @Test
    void aCellWhoseCacheIsDown_makesOnlyThatCellIncomplete() throws Exception {
        cacheB.close();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        LocalWorkflow.Run run = workflow(console).run("cells-down", input("{'mode':'manual','gate':{'maxDriftRatio':1}}"));

        // the gate fails on an incomplete run (failOnIncomplete is the default), after Aggregate wrote the audit log
        assertThat(run.execution().status()).as(run.execution().error() + ": " + run.execution().cause())
                .isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.execution().error()).isEqualTo("ConsistencyGateFailed");
        AuditLog log = checked("cells-down");
        assertThat(log.summary().verdict()).isEqualTo(Verdict.INCOMPLETE);
        ShardReport a = log.shards().stream().filter(s -> s.shardId().equals("shard-a")).findFirst().orElseThrow();
        ShardReport b = log.shards().stream().filter(s -> s.shardId().equals("shard-b")).findFirst().orElseThrow();
        assertThat(a.verdict()).isEqualTo(Verdict.DRIFT);
        assertThat(a.skipped()).isEmpty();
        assertThat(b.verdict()).isEqualTo(Verdict.INCOMPLETE);
        assertThat(b.cell().id()).isEqualTo("b");
        assertThat(b.skipped()).isNotEmpty().allSatisfy(s -> assertThat(s.reason()).startsWith("cache-unavailable"));
        assertThat(log.findings()).extracting(Finding::cell, Finding::key, Finding::driftClass)
                .containsExactlyInAnyOrder(tuple("a", "cc:acme:customer:2", DriftClass.STALE), tuple("a", "junk:1", DriftClass.UNMAPPED));
        assertThat(log.tenants()).extracting(t -> t.tenant() + "=" + t.verdict()).containsExactlyInAnyOrder(
                "acme=DRIFT", "globex=CONSISTENT", "initech=INCOMPLETE", "umbrella=INCOMPLETE");
    }

    @Test
    void aCellWhoseDatabaseIsDown_makesOnlyThatCellIncomplete() throws Exception {
        try (Connection c = DriverManager.getConnection(PG + "test", "postgres", ""); Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE cc_cells_b RENAME TO cc_cells_b_away");
        }
        try {
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            LocalWorkflow.Run run = workflow(console).run("cells-db-down", input("{'mode':'manual','gate':{'maxDriftRatio':1}}"));

            assertThat(run.execution().error()).isEqualTo("ConsistencyGateFailed");
            AuditLog log = checked("cells-db-down");
            assertThat(log.summary().verdict()).isEqualTo(Verdict.INCOMPLETE);
            assertThat(log.shards()).extracting(ShardReport::shardId, ShardReport::verdict).containsExactlyInAnyOrder(
                    tuple("shard-a", Verdict.DRIFT), tuple("shard-b", Verdict.INCOMPLETE));
            ShardReport b = log.shards().stream().filter(s -> s.shardId().equals("shard-b")).findFirst().orElseThrow();
            assertThat(b.skipped()).isNotEmpty();
            assertThat(log.findings()).filteredOn(f -> f.tenant() != null)
                    .extracting(Finding::cell, Finding::key, Finding::driftClass)
                    .containsExactly(tuple("a", "cc:acme:customer:2", DriftClass.STALE));
            assertThat(log.tenants()).extracting(t -> t.tenant() + "=" + t.verdict()).containsExactlyInAnyOrder(
                    "acme=DRIFT", "globex=CONSISTENT", "initech=INCOMPLETE", "umbrella=INCOMPLETE");
            System.out.println("cell b database down: " + b.skipped());
        } finally {
            try (Connection c = DriverManager.getConnection(PG + "test", "postgres", ""); Statement s = c.createStatement()) {
                s.execute("ALTER DATABASE cc_cells_b_away RENAME TO cc_cells_b");
            }
        }
    }

    @Test
    void aCellWhoseSecretIsMissing_stopsDiscovery_namingTheCellAndTheVariable() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        LocalWorkflow.Run run = workflow(console, Map.of("CELL_a_DB_PASSWORD", "pw-cell-a-secret"))
                .run("cells-nosecret", input("{'mode':'manual'}"));

        assertThat(run.execution().status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.execution().cause()).contains("cell b: source.auth.passwordEnv: environment variable"
                + " CELL_b_DB_PASSWORD is not set; export it before running").doesNotContain("pw-cell-a-secret");
        assertThat(out.resolve("audit/cells-nosecret.json")).doesNotExist();
    }
}
