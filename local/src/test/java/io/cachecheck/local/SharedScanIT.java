package io.cachecheck.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachecheck.audit.AuditLog;
import io.cachecheck.audit.ShardReport;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.ShardWorkItem;
import io.cachecheck.config.Settings;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.local.asl.AslOptions;
import io.cachecheck.local.asl.ChildExecution;
import io.cachecheck.local.asl.ExecutionStatus;
import io.cachecheck.store.DirectoryObjectStore;
import io.cachecheck.testing.RedisServerProcess;
import io.cachecheck.workflow.DiscoverShards;
import io.cachecheck.workflow.Json;
import io.cachecheck.workflow.RunIds;
import io.cachecheck.workflow.ScanNode;
import io.cachecheck.workflow.ShardSummary;
import io.cachecheck.workflow.ValidateShard;
import io.cachecheck.workflow.WorkflowEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One scan per key (docs/scale.md): with several shards on one cache, the scan phase SCANs the node once and each
 * shard reads its keys from the store. Both modes run the packaged definition on the same seeded drift (stale and
 * orphaned keys, keys of no namespace, of an inactive tenant, and ignored ones), and must find exactly the same
 * things; the shared scan reads each key once, the per-shard scans once per shard. A scan item that fails or stops
 * early makes the shards on its node INCOMPLETE.
 */
class SharedScanIT {
    private static final String SCHEMA = "cc_sharedscan_it";
    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final int TENANTS = 40;
    private static final int CUSTOMERS = 25;

    private static RedisServerProcess redis;
    private static final List<String> EXPECTED = new ArrayList<>();
    private static long keyspace;

    @TempDir
    Path out;

    static String tenant(int i) {
        return String.format("t%03d", i);
    }

    @BeforeAll
    static void seed() throws Exception {
        redis = RedisServerProcess.start();
        try (Connection db = DriverManager.getConnection(PG, "postgres", ""); Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            st.execute("CREATE SCHEMA " + SCHEMA);
            st.execute("CREATE TABLE " + SCHEMA + ".tenants (tenant_id text PRIMARY KEY, active boolean NOT NULL)");
            st.execute("INSERT INTO " + SCHEMA + ".tenants SELECT 't' || lpad(i::text, 3, '0'), true FROM generate_series(0, "
                    + (TENANTS - 1) + ") i");
            st.execute("INSERT INTO " + SCHEMA + ".tenants VALUES ('gone', false)");
            st.execute("CREATE TABLE " + SCHEMA + ".customers (tenant_id text, customer_id bigint, tier text,"
                    + " PRIMARY KEY (tenant_id, customer_id))");
            st.execute("INSERT INTO " + SCHEMA + ".customers SELECT 't' || lpad(t::text, 3, '0'), c, 'gold'"
                    + " FROM generate_series(0, " + (TENANTS - 1) + ") t, generate_series(1, " + CUSTOMERS + ") c");
        }
        try (Jedis jedis = redis.client()) {
            Pipeline pipe = jedis.pipelined();
            for (int t = 0; t < TENANTS; t++) {
                for (int c = 1; c <= CUSTOMERS; c++) {
                    boolean stale = c == 3 && t % 3 == 0;
                    pipe.set("ss:" + tenant(t) + ":customer:" + c, "{\"tier\":\"" + (stale ? "silver" : "gold") + "\"}");
                    if (stale) {
                        EXPECTED.add(tenant(t) + "|ss:" + tenant(t) + ":customer:3|STALE|");
                    }
                }
                if (t % 7 == 0) {
                    pipe.set("ss:" + tenant(t) + ":customer:99", "{\"tier\":\"gold\"}");
                    EXPECTED.add(tenant(t) + "|ss:" + tenant(t) + ":customer:99|ORPHAN|");
                }
            }
            // UNMAPPED: an inactive tenant's key and a key no namespace claims, each reported once per run
            pipe.set("ss:gone:customer:1", "{\"tier\":\"gold\"}");
            EXPECTED.add("gone|ss:gone:customer:1|UNMAPPED|inactive-tenant");
            pipe.set("stray:key", "x");
            EXPECTED.add("null|stray:key|UNMAPPED|no-namespace");
            // another application's keys, ignored by cache.ignoreKeyPrefixes
            for (int i = 0; i < 10; i++) {
                pipe.set("session:" + i, "s");
            }
            pipe.sync();
            keyspace = jedis.dbSize();
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

    static Contract contract(int port, String schema, int shards, String prefix) {
        return ContractLoader.create().parse("""
                version: 1
                cache:
                  url: redis://127.0.0.1:%d/0
                  ignoreKeyPrefixes: ["session:"]
                source:
                  url: jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test
                  auth:
                    username: postgres
                tenants:
                  sql: SELECT tenant_id FROM %s.tenants WHERE active ORDER BY tenant_id
                  shardCount: %d
                check:
                  graceMillis: 0
                  maxRetries: 1
                  retryBackoffMillis: 10
                namespaces:
                  - name: customer
                    keyPattern: "%s:{tenant_id}:customer:{customer_id}"
                    valueType: json
                    sql: SELECT customer_id, tier FROM %s.customers WHERE tenant_id = :tenant_id AND customer_id IN (:customer_id)
                    fields:
                      tier: tier
                """.formatted(port, schema, shards, prefix, schema));
    }

    static WorkflowEnvironment env(Path dir, Contract contract, boolean shared) {
        return WorkflowEnvironment.builder().store(new DirectoryObjectStore(dir))
                .settings(Settings.of(Map.of("CACHECHECK_SHARED_SCAN", Boolean.toString(shared))))
                .notifier((subject, message) -> { }).contract(() -> contract).build();
    }

    static LocalWorkflow.Run run(WorkflowEnvironment env, String definition, String runId) throws Exception {
        LocalWorkflow workflow = new LocalWorkflow(env, definition, AslOptions.defaults().withRetryIntervalScale(0),
                Duration.ofMinutes(15));
        return workflow.run(runId, Json.MAPPER.readTree(
                "{\"mode\":\"manual\",\"maxConcurrency\":4,\"baseline\":\"none\",\"gate\":{\"maxDriftRatio\":1}}"));
    }

    private static List<String> findings(AuditLog log) {
        return log.findings().stream().map(f -> f.tenant() + "|" + f.key() + "|" + f.driftClass() + "|"
                + (f.driftClass() == DriftClass.UNMAPPED ? f.reason() : "")).toList();
    }

    private static List<ChildExecution> children(LocalWorkflow.Run run, String map) {
        return run.execution().childExecutions().stream().filter(c -> c.mapRunArn().contains("/" + map + ":")).toList();
    }

    @Test
    void fourShardsOnOneCache_scanEachKeyOnce_andFindExactlyWhatPerShardScansFind() throws Exception {
        Contract contract = contract(redis.port(), SCHEMA, 4, "ss");
        Path sharedDir = out.resolve("shared");
        Path perShardDir = out.resolve("per-shard");

        LocalWorkflow.Run shared = run(env(sharedDir, contract, true), LocalWorkflow.packagedDefinition(), "ss-shared");
        LocalWorkflow.Run perShard = run(env(perShardDir, contract, false), LocalWorkflow.packagedDefinition(), "ss-per-shard");

        for (LocalWorkflow.Run r : List.of(shared, perShard)) {
            assertThat(r.execution().status()).as(r.execution().error() + ": " + r.execution().cause())
                    .isEqualTo(ExecutionStatus.SUCCEEDED);
        }
        AuditLog once = shared.auditLog().orElseThrow();
        AuditLog each = perShard.auditLog().orElseThrow();

        // exactly the seeded findings, in both modes
        assertThat(EXPECTED).hasSize(14 + 6 + 2);
        assertThat(findings(once)).containsExactlyInAnyOrderElementsOf(EXPECTED);
        assertThat(findings(each)).containsExactlyInAnyOrderElementsOf(EXPECTED);
        assertThat(once.summary().counts()).isEqualTo(each.summary().counts());
        assertThat(once.summary().keysChecked()).isEqualTo(each.summary().keysChecked())
                .isEqualTo(TENANTS * CUSTOMERS + 6 + 2); // UNMAPPED keys count as checked
        assertThat(once.summary().verdict().name()).isEqualTo("DRIFT").isEqualTo(each.summary().verdict().name());
        assertThat(once.shards()).extracting(ShardReport::shardId)
                .containsExactlyElementsOf(each.shards().stream().map(ShardReport::shardId).toList()).hasSize(4);
        for (int s = 0; s < 4; s++) {
            ShardReport a = once.shards().get(s);
            ShardReport b = each.shards().get(s);
            assertThat(a.counts()).as(a.shardId()).isEqualTo(b.counts());
            assertThat(a.keysChecked()).as(a.shardId()).isEqualTo(b.keysChecked());
        }

        // the point: each key scanned once with the scan phase, once per shard without it
        assertThat(keyspace).isEqualTo(TENANTS * CUSTOMERS + 6 + 2 + 10);
        assertThat(once.summary().keysScanned()).isEqualTo(keyspace);
        assertThat(each.summary().keysScanned()).isEqualTo(4 * keyspace);
        assertThat(children(shared, "ScanNodes")).hasSize(1)
                .allSatisfy(c -> assertThat(c.status()).isEqualTo(ExecutionStatus.SUCCEEDED));
        assertThat(children(shared, "ValidateShards")).hasSize(4);
        assertThat(children(perShard, "ScanNodes")).isEmpty();
        assertThat(perShardDir.resolve("runs/ss-per-shard/keys")).doesNotExist();

        // the stored lists hold keys, never values
        try (Stream<Path> files = Files.walk(sharedDir.resolve("runs/ss-shared/keys"))) {
            List<Path> chunks = files.filter(p -> p.toString().endsWith(".keys.gz")).toList();
            assertThat(chunks).hasSize(4);
            long keys = 0;
            for (Path chunk : chunks) {
                String text = gunzip(chunk);
                assertThat(text).doesNotContain("tier").doesNotContain("gold").doesNotContain("silver");
                keys += text.split(":customer:", -1).length - 1;
            }
            assertThat(keys).isEqualTo(TENANTS * CUSTOMERS + 6 + 1);
        }
    }

    @Test
    void aScanItemThatFails_makesEveryShardOnItsNodeIncomplete() throws Exception {
        JsonNode definition = Json.MAPPER.readTree(LocalWorkflow.packagedDefinition());
        ObjectNode selector = (ObjectNode) definition.at("/States/ScanNodes/ItemSelector");
        selector.remove("runId.$");
        selector.put("runId", "not a run id"); // the scan child fails: ScanFailed, no scan record
        Contract contract = contract(redis.port(), SCHEMA, 4, "ss");

        LocalWorkflow.Run run = run(env(out, contract, true), definition.toString(), "ss-scan-failed");

        assertThat(run.execution().error()).isEqualTo("ConsistencyGateFailed");
        AuditLog log = run.auditLog().orElseThrow();
        assertThat(log.summary().verdict().name()).isEqualTo("INCOMPLETE");
        assertThat(log.summary().incompleteShards()).isEqualTo(4);
        assertThat(log.summary().keysScanned()).isZero();
        assertThat(log.shards()).hasSize(4).allSatisfy(s -> {
            assertThat(s.verdict().name()).isEqualTo("INCOMPLETE");
            assertThat(s.skipped()).isNotEmpty().allSatisfy(k -> assertThat(k.reason()).startsWith("scan-missing:"));
        });
    }

    @Test
    void aScanItemStoppedByItsDeadline_leavesTheNodeToTheItemsOwnScans_andTheyFindExactlyTheDrift() throws Exception {
        Contract contract = contract(redis.port(), SCHEMA, 4, "ss");
        WorkflowEnvironment env = env(out, contract, true);
        String runId = "ss-scan-deadline";
        DiscoverShards.Discovery discovery = discover(env, runId);
        ScanNode.ScanItem scan = scanItem(env, discovery);

        // the scan's deadline is 1 ms away (remaining time = the 30 s margin + 1 ms): the node is "too large" for it
        ScanNode.ScanSummary scanned = new ScanNode(env).scan(new ScanNode.Request(runId, scan), 30_001);
        assertThat(scanned.skipped()).isEqualTo(1);
        assertThat(scanned.keysScanned()).isLessThan(keyspace);

        // each item then SCANs the node itself (resumable, as without the scan phase), so nothing is left unchecked
        List<String> found = new ArrayList<>();
        long scannedByItems = 0;
        for (ShardWorkItem item : discovery.shards()) {
            assertThat(item.keysFrom()).isEqualTo(RunIds.keysPrefix(runId, "node-0"));
            ShardSummary s = new ValidateShard(env).validate(new ValidateShard.Request(runId, item), 600_000);
            assertThat(s.verdict().name()).as(s.shardId()).isEqualTo("DRIFT");
            assertThat(s.skipped()).isZero();
            scannedByItems += s.keysScanned();
            JsonNode stored = Json.MAPPER.readTree(env.store().get(s.resultRef()).orElseThrow());
            stored.get("findings").forEach(f -> found.add(f.get("tenant").asText() + "|" + f.get("key").asText() + "|"
                    + f.get("driftClass").asText() + "|" + ("UNMAPPED".equals(f.get("driftClass").asText()) ? f.get("reason").asText() : "")));
        }
        assertThat(scannedByItems).isEqualTo(4 * keyspace);
        assertThat(found).containsExactlyInAnyOrderElementsOf(EXPECTED);
    }

    @Test
    void aScanThatCouldNotReadItsNode_makesEveryShardOnItIncomplete_withTheScansReason() throws Exception {
        Contract contract = contract(redis.port(), SCHEMA, 4, "ss");
        WorkflowEnvironment env = env(out, contract, true);
        String runId = "ss-scan-unavailable";
        DiscoverShards.Discovery discovery = discover(env, runId);
        ScanNode.ScanItem scan = scanItem(env, discovery);
        new ScanNode(env).scan(new ScanNode.Request(runId, scan), 600_000);
        // the record as a scan writes it when its node stopped answering part way (NodeScanner's skip reason)
        String recordKey = scan.keysRef() + "/scan.json";
        ObjectNode record = (ObjectNode) Json.MAPPER.readTree(env.store().get(recordKey).orElseThrow());
        String reason = "cache-unavailable: scan of node failed after retries (connection refused)";
        record.putArray("skipped").addObject().putNull("tenant").putNull("namespace")
                .put("node", record.get("node").asText()).put("keys", 0).put("reason", reason);
        env.store().put(recordKey, Json.bytes(record), "application/json");

        for (ShardWorkItem item : discovery.shards()) {
            ShardSummary s = new ValidateShard(env).validate(new ValidateShard.Request(runId, item), 600_000);
            assertThat(s.verdict().name()).as(s.shardId()).isEqualTo("INCOMPLETE");
            JsonNode stored = Json.MAPPER.readTree(env.store().get(s.resultRef()).orElseThrow());
            assertThat(stored.get("skipped")).isNotEmpty().allSatisfy(k -> assertThat(k.get("reason").asText()).isEqualTo(reason));
        }
    }

    private static DiscoverShards.Discovery discover(WorkflowEnvironment env, String runId) throws Exception {
        DiscoverShards.Discovery discovery = new DiscoverShards(env).discover(new DiscoverShards.Request("discover", runId,
                Json.MAPPER.readTree("{\"mode\":\"manual\",\"baseline\":\"none\"}")));
        assertThat(discovery.scanCount()).isEqualTo(1);
        assertThat(discovery.shards()).hasSize(4);
        return discovery;
    }

    private static ScanNode.ScanItem scanItem(WorkflowEnvironment env, DiscoverShards.Discovery discovery) throws Exception {
        return Json.MAPPER.readValue(env.store().get(discovery.scanItemsRef()).orElseThrow(), ScanNode.ScanItem[].class)[0];
    }

    @Test
    void withKeyRedaction_theStoredListsAreSealed_andTheRunFindsTheSame() throws Exception {
        Contract contract = contract(redis.port(), SCHEMA, 4, "ss");
        io.cachecheck.redact.KeyRedactor redactor = io.cachecheck.redact.KeyRedactor.hmac(
                "sharedscan-test-hmac-key-of-32-bytes".getBytes(StandardCharsets.US_ASCII));
        WorkflowEnvironment env = WorkflowEnvironment.builder().store(new DirectoryObjectStore(out))
                .settings(Settings.of(Map.of())).redactor(redactor)
                .notifier((subject, message) -> { }).contract(() -> contract).build();

        LocalWorkflow.Run run = run(env, LocalWorkflow.packagedDefinition(), "ss-redacted");

        assertThat(run.execution().status()).as(run.execution().cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        AuditLog log = run.auditLog().orElseThrow();
        assertThat(log.summary().keysScanned()).isEqualTo(keyspace);
        assertThat(log.findings()).extracting(f -> f.key()).hasSize(EXPECTED.size())
                .containsExactlyInAnyOrderElementsOf(EXPECTED.stream().map(e -> redactor.apply(e.split("\\|")[1])).toList());
        try (Stream<Path> files = Files.walk(out.resolve("runs/ss-redacted/keys"))) {
            List<Path> chunks = files.filter(p -> p.toString().endsWith(".keys.gz")).toList();
            assertThat(chunks).hasSize(4);
            for (Path chunk : chunks) {
                // sealed (AES-GCM over the gzip): no key text in it, and gzip cannot read it
                assertThat(new String(Files.readAllBytes(chunk), StandardCharsets.ISO_8859_1)).doesNotContain("customer");
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> gunzip(chunk)).isInstanceOf(java.io.IOException.class);
            }
        }
    }

    private static String gunzip(Path file) throws Exception {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            return bytes.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
