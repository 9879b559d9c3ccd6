package io.cachecheck.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachecheck.audit.AuditLog;
import io.cachecheck.audit.ShardReport;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.local.asl.AslOptions;
import io.cachecheck.local.asl.ChildExecution;
import io.cachecheck.local.asl.ExecutionStatus;
import io.cachecheck.local.asl.StateEvent;
import io.cachecheck.store.DirectoryObjectStore;
import io.cachecheck.testing.RedisServerProcess;
import io.cachecheck.workflow.Json;
import io.cachecheck.workflow.WorkflowEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Distributed Map at 10,000 work items, end to end through the packaged definition and the local runner: 10,000
 * active tenants, each its own shard ({@code tenants.shardColumn}), so DiscoverShards plans 10,000 items (40 times
 * the old cap of 250). 200 tenants have cached customers, with 100 stale and 40 orphaned keys among them.
 *
 * <p>Every work item still scans the whole node (issue 13, item 3), so the keyspace is kept small (640 keys); what
 * this test measures is the workflow at 10,000 items: every seeded finding found once, every item with its result,
 * and no state of the parent or of any child execution larger than a few KiB, whatever the item count.
 */
class DistributedMapScaleIT {
    private static final String SCHEMA = "cc_dmap_scale";
    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final int TENANTS = 10_000;
    /** Every 50th tenant has 3 customers in the cache. */
    private static final int CACHED_EVERY = 50;
    /** State input/output bound, for the parent and every child; today's inline Map grew it with the item count. */
    private static final int MAX_STATE_BYTES = 8 * 1024;

    private static RedisServerProcess redis;
    private static final List<String> EXPECTED = new ArrayList<>();
    private static int cachedKeys;

    private Path out;

    /**
     * The run store of a 10,000-item run holds over 10,000 files (one shard result per item). On the CI machine's
     * ext4 (mounted with discard) deleting them took 30 s, longer than the run's Map; in memory (tmpfs) it takes
     * well under a second, so the store goes there when the machine has one.
     */
    @org.junit.jupiter.api.BeforeEach
    void createOut() throws Exception {
        Path shm = Path.of("/dev/shm");
        out = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "cc-dmap-")
                : Files.createTempDirectory("cc-dmap-");
    }

    @org.junit.jupiter.api.AfterEach
    void deleteOut() throws Exception {
        long start = System.nanoTime();
        try (Stream<Path> files = Files.walk(out)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        System.out.printf("DistributedMapScaleIT: output deleted in %d ms%n", Duration.ofNanos(System.nanoTime() - start).toMillis());
    }

    static String tenant(int i) {
        return String.format("t%05d", i);
    }

    @BeforeAll
    static void seed() throws Exception {
        long seedStart = System.nanoTime();
        redis = RedisServerProcess.start();
        try (Connection db = DriverManager.getConnection(PG, "postgres", ""); Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            st.execute("CREATE SCHEMA " + SCHEMA);
            st.execute("CREATE TABLE " + SCHEMA + ".tenants (tenant_id text PRIMARY KEY, shard text NOT NULL, active boolean NOT NULL)");
            st.execute("INSERT INTO " + SCHEMA + ".tenants SELECT 't' || lpad(i::text, 5, '0'), 't' || lpad(i::text, 5, '0'), true"
                    + " FROM generate_series(0, " + (TENANTS - 1) + ") i");
            st.execute("CREATE TABLE " + SCHEMA + ".customers (tenant_id text, customer_id bigint, tier text,"
                    + " PRIMARY KEY (tenant_id, customer_id))");
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO " + SCHEMA + ".customers VALUES (?, ?, ?)");
                 Jedis jedis = redis.client()) {
                Pipeline pipe = jedis.pipelined();
                for (int i = 0; i < TENANTS; i += CACHED_EVERY) {
                    String t = tenant(i);
                    int n = i / CACHED_EVERY;
                    for (int c = 1; c <= 3; c++) {
                        insert.setString(1, t);
                        insert.setLong(2, c);
                        insert.setString(3, c == 2 ? "silver" : "gold");
                        insert.addBatch();
                        // customer 2 of every other cached tenant is cached with an old tier
                        boolean stale = c == 2 && n % 2 == 0;
                        pipe.set("dm:" + t + ":customer:" + c, "{\"tier\":\"" + (c == 2 && !stale ? "silver" : "gold") + "\"}");
                        cachedKeys++;
                        if (stale) {
                            EXPECTED.add(t + "|dm:" + t + ":customer:2|STALE");
                        }
                    }
                    if (n % 5 == 0) {
                        // a customer deleted from the database but still cached
                        pipe.set("dm:" + t + ":customer:4", "{\"tier\":\"gold\"}");
                        cachedKeys++;
                        EXPECTED.add(t + "|dm:" + t + ":customer:4|ORPHAN");
                    }
                }
                insert.executeBatch();
                pipe.sync();
            }
        }
        System.out.printf("DistributedMapScaleIT: seeded in %d ms%n", Duration.ofNanos(System.nanoTime() - seedStart).toMillis());
    }

    @AfterAll
    static void drop() throws Exception {
        long start = System.nanoTime();
        if (redis != null) {
            redis.close();
        }
        try (Connection db = DriverManager.getConnection(PG, "postgres", ""); Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
        System.out.printf("DistributedMapScaleIT: dropped in %d ms%n", Duration.ofNanos(System.nanoTime() - start).toMillis());
    }

    private static Contract contract() {
        return ContractLoader.create().parse("""
                version: 1
                cache:
                  url: redis://127.0.0.1:%d/0
                source:
                  url: jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test
                  auth:
                    username: postgres
                tenants:
                  sql: SELECT tenant_id, shard FROM %s.tenants WHERE active ORDER BY tenant_id
                  shardColumn: shard
                check:
                  graceMillis: 0
                  maxRetries: 1
                  retryBackoffMillis: 10
                namespaces:
                  - name: customer
                    keyPattern: "dm:{tenant_id}:customer:{customer_id}"
                    valueType: json
                    sql: SELECT customer_id, tier FROM %s.customers WHERE tenant_id = :tenant_id AND customer_id IN (:customer_id)
                    fields:
                      tier: tier
                """.formatted(redis.port(), SCHEMA, SCHEMA));
    }

    /**
     * A child whose ValidateShard fails is still a result: through the ItemProcessor's Catch (ShardFailed, written
     * as a SUCCEEDED child), and, with the Catch removed from the definition, as a FAILED child in the ResultWriter's
     * FAILED_0.json, which Aggregate counts INCOMPLETE too. The failure: an ItemSelector that passes an invalid runId.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "catch in the ItemProcessor: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void failingChildren_becomeIncompleteShards_withOrWithoutTheCatch(boolean withCatch) throws Exception {
        JsonNode definition = Json.MAPPER.readTree(LocalWorkflow.packagedDefinition());
        com.fasterxml.jackson.databind.node.ObjectNode map = (com.fasterxml.jackson.databind.node.ObjectNode)
                definition.at("/States/ValidateShards");
        ((com.fasterxml.jackson.databind.node.ObjectNode) map.get("ItemSelector")).remove("runId.$");
        ((com.fasterxml.jackson.databind.node.ObjectNode) map.get("ItemSelector")).put("runId", "not a run id");
        if (!withCatch) {
            com.fasterxml.jackson.databind.node.ObjectNode states = (com.fasterxml.jackson.databind.node.ObjectNode)
                    map.at("/ItemProcessor/States");
            ((com.fasterxml.jackson.databind.node.ObjectNode) states.get("ValidateShard")).remove("Catch");
            states.remove("ShardFailed");
        }
        Contract contract = contract();
        WorkflowEnvironment env = WorkflowEnvironment.builder().store(new DirectoryObjectStore(out))
                .notifier((subject, message) -> { }).contract(() -> contract).build();
        LocalWorkflow workflow = new LocalWorkflow(env, definition.toString(),
                AslOptions.defaults().withRetryIntervalScale(0), Duration.ofMinutes(15));

        LocalWorkflow.Run run = workflow.run("dmap-failing", Json.MAPPER.readTree(
                "{\"mode\":\"manual\",\"tenantScope\":[\"t00000\",\"t00050\",\"t00051\"],\"baseline\":\"none\"}"));

        assertThat(run.execution().error()).isEqualTo("ConsistencyGateFailed");
        AuditLog log = run.auditLog().orElseThrow();
        assertThat(log.summary().verdict().name()).isEqualTo("INCOMPLETE");
        assertThat(log.summary().incompleteShards()).isEqualTo(3);
        assertThat(log.findings()).isEmpty();
        assertThat(log.shards()).extracting(s -> s.shardId() + " " + s.verdict() + " " + s.error())
                .containsExactlyInAnyOrder("shard-t00000 INCOMPLETE io.cachecheck.error.InvalidInputException",
                        "shard-t00050 INCOMPLETE io.cachecheck.error.InvalidInputException",
                        "shard-t00051 INCOMPLETE io.cachecheck.error.InvalidInputException");
        assertThat(run.execution().childExecutions()).hasSize(3).allSatisfy(c -> assertThat(c.status())
                .isEqualTo(withCatch ? ExecutionStatus.SUCCEEDED : ExecutionStatus.FAILED));
    }

    @org.junit.jupiter.api.extension.RegisterExtension
    static final org.gaul.s3proxy.junit.S3ProxyExtension S3 = org.gaul.s3proxy.junit.S3ProxyExtension.builder()
            .withCredentials("access", "secret").withBlobStoreProvider("transient").build();

    /**
     * With the run store on S3 (--bucket; here S3Proxy), the ItemReader and the ResultWriter use that bucket: the
     * work items, the manifest and the result files are objects in it, at the keys AWS uses.
     */
    @Test
    void runStoreOnS3_theMapReadsAndWritesTheBucket() throws Exception {
        software.amazon.awssdk.services.s3.S3Client s3 = software.amazon.awssdk.services.s3.S3Client.builder()
                .httpClientBuilder(software.amazon.awssdk.http.apache5.Apache5HttpClient.builder())
                .region(software.amazon.awssdk.regions.Region.US_EAST_1).endpointOverride(S3.getUri()).forcePathStyle(true)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("access", "secret"))).build();
        try (s3) {
            s3.createBucket(b -> b.bucket("dmap-runs"));
            Contract contract = contract();
            WorkflowEnvironment env = WorkflowEnvironment.builder()
                    .store(new io.cachecheck.store.S3ObjectStore(s3, "dmap-runs"))
                    .notifier((subject, message) -> { }).contract(() -> contract).build();
            LocalWorkflow workflow = new LocalWorkflow(env, LocalWorkflow.packagedDefinition(),
                    AslOptions.defaults().withRetryIntervalScale(0), Duration.ofMinutes(15));

            LocalWorkflow.Run run = workflow.run("dmap-s3", Json.MAPPER.readTree("{\"mode\":\"manual\",\"tenantScope\":"
                    + "[\"t00000\",\"t00050\",\"t00100\"],\"baseline\":\"none\",\"gate\":{\"maxDriftRatio\":1}}"));

            assertThat(run.execution().status()).as(run.execution().error() + ": " + run.execution().cause())
                    .isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(run.auditLog().orElseThrow().findings()).extracting(f -> f.key() + "|" + f.driftClass())
                    .containsExactlyInAnyOrder("dm:t00000:customer:2|STALE", "dm:t00000:customer:4|ORPHAN",
                            "dm:t00100:customer:2|STALE");
            JsonNode details = run.execution().output();
            List<String> keys = s3.listObjectsV2(b -> b.bucket("dmap-runs").prefix("runs/dmap-s3/")).contents().stream()
                    .map(software.amazon.awssdk.services.s3.model.S3Object::key).toList();
            assertThat(keys).contains("runs/dmap-s3/work-items.json");
            assertThat(keys).filteredOn(k -> k.startsWith("runs/dmap-s3/map/"))
                    .extracting(k -> k.replaceAll("map/[0-9a-f-]{36}/", "map/<uuid>/"))
                    .containsExactlyInAnyOrder("runs/dmap-s3/map/<uuid>/manifest.json", "runs/dmap-s3/map/<uuid>/SUCCEEDED_0.json");
            assertThat(details.get("verdict").asText()).isEqualTo("DRIFT");
        }
    }

    /** How long each top-level state took, from the history's timestamps. */
    private static String stateMillis(List<StateEvent> history) {
        java.util.Map<String, java.time.Instant> entered = new java.util.LinkedHashMap<>();
        StringBuilder out = new StringBuilder();
        for (StateEvent e : history) {
            if (e.type().equals(StateEvent.ENTERED)) {
                entered.put(e.stateName(), e.at());
            } else if (e.type().equals(StateEvent.SUCCEEDED) && entered.containsKey(e.stateName())) {
                out.append(out.length() == 0 ? "" : ", ").append(e.stateName()).append(' ')
                        .append(Duration.between(entered.get(e.stateName()), e.at()).toMillis()).append(" ms");
            }
        }
        return out.toString();
    }

    @Test
    void tenThousandWorkItems_everySeededFindingOnce_everyItemWithItsResult_andStatesStaySmall() throws Exception {
        Contract contract = contract();
        WorkflowEnvironment env = WorkflowEnvironment.builder().store(new DirectoryObjectStore(out))
                .notifier((subject, message) -> { }).contract(() -> contract).build();
        LocalWorkflow workflow = new LocalWorkflow(env, LocalWorkflow.packagedDefinition(),
                AslOptions.defaults().withRetryIntervalScale(0), Duration.ofMinutes(15));
        long start = System.nanoTime();

        LocalWorkflow.Run run = workflow.run("dmap-10k", Json.MAPPER.readTree(
                "{\"mode\":\"manual\",\"maxConcurrency\":32,\"baseline\":\"none\",\"gate\":{\"maxDriftRatio\":1}}"));

        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        System.out.printf("DistributedMapScaleIT: %d work items in %d ms (%s); largest state %d bytes%n", TENANTS, millis,
                stateMillis(run.execution().history()), run.execution().largestPayloadBytes());
        assertThat(run.execution().status()).as(run.execution().error() + ": " + run.execution().cause())
                .isEqualTo(ExecutionStatus.SUCCEEDED);
        AuditLog log = run.auditLog().orElseThrow();

        // exactness: every seeded finding, each once, and nothing else
        List<String> found = log.findings().stream().map(f -> f.tenant() + "|" + f.key() + "|" + f.driftClass()).toList();
        assertThat(log.findingsTruncated()).isFalse();
        assertThat(found).hasSize(EXPECTED.size()).containsExactlyInAnyOrderElementsOf(EXPECTED);
        assertThat(EXPECTED).hasSize(140);
        assertThat(log.summary().keysChecked()).isEqualTo(cachedKeys).isEqualTo(640);
        assertThat(log.summary().verdict().name()).isEqualTo("DRIFT");

        // every work item has its result: 10,000 shards, each once, none incomplete
        assertThat(log.shards()).hasSize(TENANTS);
        Set<String> shardIds = new HashSet<>();
        log.shards().forEach(s -> assertThat(shardIds.add(s.shardId())).as(s.shardId()).isTrue());
        assertThat(log.shards()).extracting(ShardReport::verdict).map(Object::toString).doesNotContain("INCOMPLETE");
        assertThat(log.summary().incompleteShards()).isZero();
        assertThat(log.summary().tenantsValidated()).isEqualTo(TENANTS);

        // the results came through the ResultWriter: one manifest with 10,000 succeeded children
        Path mapDir = out.resolve("runs/dmap-10k/map");
        Path manifest;
        try (Stream<Path> files = Files.walk(mapDir)) {
            manifest = files.filter(p -> p.getFileName().toString().equals("manifest.json")).findFirst().orElseThrow();
        }
        JsonNode files = Json.MAPPER.readTree(manifest.toFile()).get("ResultFiles");
        assertThat(files.get("FAILED")).isEmpty();
        assertThat(files.get("PENDING")).isEmpty();
        JsonNode succeeded = Json.MAPPER.readTree(out.resolve(files.get("SUCCEEDED").get(0).get("Key").asText()).toFile());
        assertThat(succeeded).hasSize(TENANTS);

        // state sizes: each child is an execution of its own; no state input or output of the parent or of any
        // child grows with the item count
        List<ChildExecution> children = run.execution().childExecutions();
        assertThat(children).hasSize(TENANTS).allSatisfy(c -> assertThat(c.status()).isEqualTo(ExecutionStatus.SUCCEEDED));
        assertThat(run.execution().history()).hasSizeLessThan(20);
        assertThat(run.execution().history()).extracting(StateEvent::payloadBytes).allSatisfy(b -> assertThat(b).isLessThan(MAX_STATE_BYTES));
        assertThat(run.execution().largestPayloadBytes()).isPositive().isLessThan(MAX_STATE_BYTES);
        System.out.printf("DistributedMapScaleIT: checked in %d ms after the run%n",
                Duration.ofNanos(System.nanoTime() - start).toMillis() - millis);
    }
}
