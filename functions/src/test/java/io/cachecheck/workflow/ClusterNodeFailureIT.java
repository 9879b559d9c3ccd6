package io.cachecheck.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachecheck.audit.AuditLog;
import io.cachecheck.audit.ShardReport;
import io.cachecheck.audit.TenantReport;
import io.cachecheck.baseline.DriftedKey;
import io.cachecheck.check.Finding;
import io.cachecheck.check.ShardWorkItem;
import io.cachecheck.check.Skipped;
import io.cachecheck.check.Verdict;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.redact.KeyRedactor;
import io.cachecheck.store.DirectoryObjectStore;
import io.cachecheck.testing.DriftDataset;
import io.cachecheck.testing.RedisClusterProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The user's report, against real servers: a 3-primary Redis Cluster (each primary with one replica) with
 * {@code cluster-require-full-coverage no}, one primary shut down until the other nodes flag it {@code fail}. The
 * whole workflow (DiscoverShards, ValidateShard, Aggregate) must then say INCOMPLETE and name the node and its slots,
 * never DRIFT or CONSISTENT, and the baseline comparison must not call the dead node's drift resolved.
 *
 * <p>The healthy run and the shutdown happen once, before the tests; each test only reads, or puts back what it
 * changes. Ports 7600-7605 (bus 17600-17605), PostgreSQL schema {@code cc_it_clusterfail}, Redis key prefix
 * {@code cf:}.
 */
class ClusterNodeFailureIT {
    private static final List<Integer> PORTS = List.of(7600, 7601, 7602, 7603, 7604, 7605);
    private static final String SCHEMA = "cc_it_clusterfail";
    private static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String PG_WRAPPER_URL = "jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test";
    private static final DriftDataset DATA = new DriftDataset(SCHEMA, true, "cf:");
    private static final String HEALTHY_RUN = "cf-healthy";

    @TempDir
    static Path storeDir;
    private static RedisClusterProcess cluster;
    private static DirectoryObjectStore store;
    private static final Map<String, String> published = new ConcurrentHashMap<>();
    /** The primary that is shut down (the one serving slot 16383), its slots as CLUSTER NODES lists them, its replica. */
    private static int deadPort;
    private static String deadSlots;
    private static int deadReplicaPort;
    private static AuditLog healthy;

    @BeforeAll
    static void startClusterSeedRunAndShutDownAPrimary() throws Exception {
        cluster = RedisClusterProcess.start(PORTS, 1, List.of("--cluster-require-full-coverage", "no",
                // a failed primary keeps its slots (the user's cluster had no replica to promote), and FAIL comes fast
                "--cluster-replica-no-failover", "yes", "--cluster-node-timeout", "2000"));
        try (RedisClusterClient redis = RedisClusterClient.builder()
                .nodes(Set.of(new HostAndPort("127.0.0.1", PORTS.get(0)))).build();
             Connection db = DriverManager.getConnection(PG_URL, "postgres", "")) {
            DATA.seed(db, redis);
        }
        String topology;
        try (Jedis seed = new Jedis("127.0.0.1", PORTS.get(0), 5000)) {
            topology = seed.clusterNodes();
        }
        String deadId = null;
        for (String line : topology.split("\n")) {
            String[] parts = line.trim().split(" ");
            if (parts.length > 8 && parts[2].contains("master") && parts[8].endsWith("-16383")) {
                deadId = parts[0];
                deadPort = port(parts[1]);
                deadSlots = parts[8];
            }
        }
        for (String line : topology.split("\n")) {
            String[] parts = line.trim().split(" ");
            if (parts.length > 3 && parts[2].contains("slave") && parts[3].equals(deadId)) {
                deadReplicaPort = port(parts[1]);
            }
        }
        assertThat(deadPort).as(topology).isNotZero().isNotEqualTo(PORTS.get(0));
        assertThat(deadReplicaPort).as(topology).isNotZero();
        for (int port : PORTS) {
            try (Jedis node = new Jedis("127.0.0.1", port, 5000)) {
                if (node.info("replication").contains("role:master")) {
                    assertThat(node.dbSize()).as("keys on primary %d", port).isPositive();
                    long acknowledged = 0;
                    for (int attempt = 0; attempt < 30 && acknowledged < 1; attempt++) {
                        acknowledged = node.waitReplicas(1, 1000); // the replica may still be in its first sync
                    }
                    assertThat(acknowledged).as("replica of %d in sync", port).isEqualTo(1);
                }
            }
        }

        healthy = run(HEALTHY_RUN, contract(false), "{'mode':'manual','baseline':'none','gate':{'maxDriftRatio':1}}");
        assertThat(healthy.summary().verdict()).isEqualTo(Verdict.DRIFT);
        assertThat(healthy.findings()).extracting(f -> new DriftDataset.Expected(f.tenant(), f.namespace(), f.key(), f.driftClass()))
                .containsExactlyInAnyOrderElementsOf(DATA.expected());

        cluster.shutdown(deadPort);
        awaitFlaggedFail(deadPort);
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        try (Connection db = DriverManager.getConnection(PG_URL, "postgres", "")) {
            DATA.dropSchema(db);
        }
    }

    @Test
    void run_whenAPrimaryIsFlaggedFail_isIncompleteNamingTheNodeAndItsSlots_andResolvesNoneOfItsDrift() throws Exception {
        AuditLog log = run("cf-down", contract(false),
                "{'mode':'manual','baseline':'" + HEALTHY_RUN + "','gate':{'maxDriftRatio':1}}");

        assertThat(log.summary().verdict()).isEqualTo(Verdict.INCOMPLETE);
        String dead = "127.0.0.1:" + deadPort;
        List<ShardReport> onDeadNode = log.shards().stream().filter(s -> !s.skipped().isEmpty()).toList();
        // one item per hash shard scans the dead node; it skips every tenant of its shard, naming node and slots
        int shards = healthy.shards().size() / 3;
        assertThat(onDeadNode).hasSize(shards).allSatisfy(shard -> {
            assertThat(shard.verdict()).isEqualTo(Verdict.INCOMPLETE);
            assertThat(shard.skipped()).extracting(Skipped::tenant).containsExactlyElementsOf(shard.tenants());
            assertThat(shard.skipped()).allSatisfy(s -> {
                assertThat(s.node()).isEqualTo(dead);
                assertThat(s.namespace()).isNull();
                assertThat(s.reason()).startsWith("cache-unavailable: scan of node failed after retries (")
                        .endsWith("; cluster node " + dead + " is flagged fail; slots " + deadSlots + " not checked");
            });
        });
        assertThat(log.shards()).hasSize(shards * 3).filteredOn(s -> s.skipped().isEmpty())
                .allSatisfy(s -> assertThat(s.verdict()).isNotEqualTo(Verdict.INCOMPLETE));
        assertThat(log.tenants()).extracting(TenantReport::verdict).containsOnly(Verdict.INCOMPLETE);
        assertThat(log.tenants()).extracting(TenantReport::note).allSatisfy(note -> assertThat(note).contains(dead));
        assertThat(published.get("cf-down")).startsWith("cachecheck INCOMPLETE")
                .contains("not checked on " + dead + ": cache-unavailable")
                .contains("cluster node " + dead + " is flagged fail; slots " + deadSlots + " not checked");

        // the drift that lives on the dead node was not looked at: unverified, not resolved
        List<String> before = healthy.findings().stream().filter(f -> f.driftClass().isDrift()).map(Finding::key).toList();
        assertThat(log.comparison().comparedTo()).isEqualTo(HEALTHY_RUN);
        assertThat(log.comparison().resolved()).isEmpty();
        assertThat(log.comparison().unverified()).extracting(DriftedKey::key)
                .containsExactlyInAnyOrderElementsOf(keysOnDeadNode(before, true))
                .isNotEmpty();
        assertThat(log.comparison().persistent()).extracting(DriftedKey::key)
                .containsExactlyInAnyOrderElementsOf(keysOnDeadNode(before, false));
    }

    @Test
    void run_tenantScoped_whenAPrimaryIsFlaggedFail_isIncompleteAndFailsTheGate() throws Exception {
        Aggregate.Result result = runForResult("cf-scoped", contract(false),
                "{'mode':'gate','tenantScope':['acme'],'baseline':'none','gate':{'maxDriftRatio':1}}");
        AuditLog log = auditLog("cf-scoped");

        assertThat(result.gate().passed()).isFalse();
        assertThat(result.gate().verdict()).isEqualTo(Verdict.INCOMPLETE);
        assertThat(log.tenants()).singleElement().satisfies(t -> {
            assertThat(t.tenant()).isEqualTo("acme");
            assertThat(t.verdict()).isEqualTo(Verdict.INCOMPLETE);
        });
        assertThat(log.shards().stream().flatMap(s -> s.skipped().stream()).toList()).singleElement().satisfies(s -> {
            assertThat(s.tenant()).isEqualTo("acme");
            assertThat(s.node()).isEqualTo("127.0.0.1:" + deadPort);
            assertThat(s.reason()).endsWith("slots " + deadSlots + " not checked");
        });
    }

    @Test
    void run_whenSlotsAreUnassigned_isIncompleteNamingTheSlots() throws Exception {
        String range = unassignableRange();
        String[] bounds = range.split("-");
        try (Jedis seed = new Jedis("127.0.0.1", PORTS.get(0), 5000)) {
            seed.sendCommand(redis.clients.jedis.Protocol.Command.CLUSTER, "DELSLOTSRANGE", bounds[0], bounds[1]);
            try {
                AuditLog log = run("cf-unassigned", contract(false), "{'mode':'manual','baseline':'none','gate':{'maxDriftRatio':1}}");

                assertThat(log.summary().verdict()).isEqualTo(Verdict.INCOMPLETE);
                List<Skipped> uncovered = log.shards().stream().flatMap(s -> s.skipped().stream())
                        .filter(s -> s.reason().startsWith("cluster-slots-uncovered")).toList();
                // reported once per hash shard (by its first item), for each of its tenants
                assertThat(uncovered).extracting(Skipped::tenant).containsExactlyInAnyOrderElementsOf(activeTenants());
                assertThat(uncovered).allSatisfy(s -> {
                    assertThat(s.node()).isNull();
                    assertThat(s.reason()).isEqualTo("cluster-slots-uncovered: slots " + range + " not checked: no cluster node serves them");
                });
                assertThat(log.shards().stream().filter(s -> s.skipped().stream().anyMatch(uncovered::contains)))
                        .extracting(ShardReport::shardId).hasSize(healthy.shards().size() / 3).allMatch(id -> id.endsWith(".node-0"));
            } finally {
                seed.sendCommand(redis.clients.jedis.Protocol.Command.CLUSTER, "ADDSLOTSRANGE", bounds[0], bounds[1]);
            }
        }
    }

    @Test
    void run_readFromReplicas_readsTheFailedPrimarysReplica_andIsIncompleteOnceThatReplicaFailsToo() throws Exception {
        for (int port : PORTS) {
            if (port != deadPort) {
                awaitReplicaServesItsSlots(port);
            }
        }
        AuditLog viaReplica = run("cf-replicas", contract(true), "{'mode':'manual','baseline':'none','gate':{'maxDriftRatio':1}}");
        // A replica whose slot table still lags answers MOVED, and the run is then (correctly) INCOMPLETE, naming
        // MOVED. Seen on this 2-core machine about one run in four: give the cluster a few seconds to settle.
        for (int attempt = 1; attempt <= 5 && viaReplica.summary().verdict() == Verdict.INCOMPLETE; attempt++) {
            assertThat(viaReplica.shards().stream().flatMap(s -> s.skipped().stream()).map(Skipped::reason))
                    .allMatch(reason -> reason.startsWith("cache-unavailable") && reason.contains("MOVED"));
            Thread.sleep(1000);
            viaReplica = run("cf-replicas-" + attempt, contract(true), "{'mode':'manual','baseline':'none','gate':{'maxDriftRatio':1}}");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(viaReplica.summary().verdict() != Verdict.INCOMPLETE,
                "a replica of the test cluster kept answering MOVED; the runs were correctly INCOMPLETE");
        // the failed primary's keys are read from its replica, so the run is complete
        assertThat(viaReplica.summary().verdict()).as("skipped: %s", viaReplica.shards().stream()
                .flatMap(s -> s.skipped().stream()).toList()).isEqualTo(Verdict.DRIFT);
        assertThat(viaReplica.findings()).extracting(f -> new DriftDataset.Expected(f.tenant(), f.namespace(), f.key(), f.driftClass()))
                .containsExactlyInAnyOrderElementsOf(DATA.expected());

        cluster.shutdown(deadReplicaPort);
        awaitFlaggedFail(deadReplicaPort);
        AuditLog neither = run("cf-replicas-down", contract(true), "{'mode':'manual','baseline':'none','gate':{'maxDriftRatio':1}}");

        // neither the primary nor a replica can be read: back to the failed primary, which is reported
        assertThat(neither.summary().verdict()).isEqualTo(Verdict.INCOMPLETE);
        List<Skipped> skipped = neither.shards().stream().flatMap(s -> s.skipped().stream()).toList();
        assertThat(skipped).extracting(Skipped::tenant).containsExactlyInAnyOrderElementsOf(activeTenants());
        assertThat(skipped).allSatisfy(s -> {
            assertThat(s.node()).isEqualTo("127.0.0.1:" + deadPort);
            assertThat(s.reason()).endsWith("; cluster node 127.0.0.1:" + deadPort + " is flagged fail; slots " + deadSlots + " not checked");
        });
    }

    private static Contract contract(boolean replicas) {
        String yaml = DATA.contract(cluster.url(), PG_WRAPPER_URL, true, null);
        return ContractLoader.withEnvironment(k -> null).parse(replicas
                ? yaml.replace("  mode: cluster", "  mode: cluster\n  readFrom: replicas") : yaml);
    }

    private static AuditLog run(String runId, Contract contract, String input) throws Exception {
        runForResult(runId, contract, input);
        return auditLog(runId);
    }

    /** The workflow's three steps in order, each work item passed through JSON as the state machine passes it. */
    private static Aggregate.Result runForResult(String runId, Contract contract, String input) throws Exception {
        if (store == null) {
            store = new DirectoryObjectStore(storeDir);
        }
        WorkflowEnvironment env = WorkflowEnvironment.builder().store(store)
                .notifier((subject, message) -> published.put(runId, subject + "\n" + message))
                .contract(() -> contract).secrets(SecretResolver.withEnvironment(k -> null))
                .redactor(KeyRedactor.disabled()).build();
        JsonNode raw = Json.MAPPER.readTree(input.replace('\'', '"'));
        DiscoverShards discover = new DiscoverShards(env);
        DiscoverShards.ValidatedRun validated = discover.validate(new DiscoverShards.Request("validate", runId, raw));
        DiscoverShards.Discovery discovery = discover.discover(new DiscoverShards.Request("discover", runId, validated.input()));
        if (discovery.scanCount() > 0) {
            // the scan phase (ScanNodes): one scan per node shared by several items; a failed scan leaves no record,
            // as the ScanFailed state does
            for (ScanNode.ScanItem scan : Json.MAPPER.readValue(store.get(discovery.scanItemsRef()).orElseThrow(),
                    ScanNode.ScanItem[].class)) {
                try {
                    new ScanNode(env).scan(new ScanNode.Request(runId, scan), TimeUnit.MINUTES.toMillis(10));
                } catch (RuntimeException failed) {
                    // ValidateShard then reports the node's shards INCOMPLETE (scan-missing)
                }
            }
        }
        List<ShardSummary> summaries = new ArrayList<>();
        for (ShardWorkItem item : discovery.shards()) {
            ShardWorkItem passed = Json.MAPPER.readValue(Json.bytes(item), ShardWorkItem.class);
            assertThat(passed).isEqualTo(item);
            summaries.add(new ValidateShard(env).validate(new ValidateShard.Request(runId, passed), TimeUnit.MINUTES.toMillis(10)));
        }
        return new Aggregate(env).aggregate(new Aggregate.Request(runId, validated.startedAt(), validated.input(),
                new Aggregate.DiscoveryFacts(discovery.tenantCount(), discovery.durationMillis()), summaries));
    }

    private static AuditLog auditLog(String runId) throws Exception {
        return Json.MAPPER.readValue(store.get(RunIds.auditLogKey(runId)).orElseThrow(), AuditLog.class);
    }

    private static List<String> activeTenants() {
        return healthy.tenants().stream().map(TenantReport::tenant).toList();
    }

    private static Set<String> keysOnDeadNode(List<String> keys, boolean onDeadNode) {
        String[] bounds = deadSlots.split("-");
        int from = Integer.parseInt(bounds[0]);
        int to = Integer.parseInt(bounds[1]);
        return keys.stream().filter(k -> {
            int slot = JedisClusterCRC16.getSlot(k);
            return (slot >= from && slot <= to) == onDeadNode;
        }).collect(Collectors.toSet());
    }

    /** 100 slots of the seed that hold no key, so unassigning them loses no data. */
    private static String unassignableRange() {
        Set<Integer> used = DATA.expected().stream().map(e -> JedisClusterCRC16.getSlot(e.key())).collect(Collectors.toSet());
        try (Jedis seed = new Jedis("127.0.0.1", PORTS.get(0), 5000)) {
            for (int from = 0; from + 99 <= 5460; from += 100) {
                boolean empty = true;
                for (int slot = from; slot <= from + 99 && empty; slot++) {
                    empty = !used.contains(slot) && seed.clusterCountKeysInSlot(slot) == 0;
                }
                if (empty) {
                    return from + "-" + (from + 99);
                }
            }
        }
        throw new IllegalStateException("no 100 empty slots on the seed");
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.indexOf(':') + 1, address.indexOf('@')));
    }

    /** Polls CLUSTER NODES on a live node until it flags {@code port} as {@code fail} (not only {@code fail?}). */
    private static void awaitFlaggedFail(int port) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        String last = "";
        while (System.nanoTime() < until) {
            try (Jedis other = new Jedis("127.0.0.1", PORTS.get(0), 5000)) {
                last = other.clusterNodes();
            }
            for (String line : last.split("\n")) {
                String[] parts = line.trim().split(" ");
                if (parts.length > 2 && parts[1].startsWith("127.0.0.1:" + port + "@")
                        && List.of(parts[2].split(",")).contains("fail")) {
                    return;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("node " + port + " was not flagged fail within 40 s: " + last);
    }

    /** Waits until a replica answers READONLY reads of every key it holds (right after forming it may answer MOVED). */
    private static void awaitReplicaServesItsSlots(int port) throws InterruptedException {
        try (Jedis node = new Jedis(new HostAndPort("127.0.0.1", port), DefaultJedisClientConfig.builder().timeoutMillis(5000).build())) {
            if (!node.info("replication").contains("role:slave")) {
                return;
            }
            node.readonly();
            for (int attempt = 0; attempt < 100; attempt++) {
                try {
                    for (String key : node.keys("cf:*")) {
                        node.type(key);
                    }
                    return;
                } catch (redis.clients.jedis.exceptions.JedisDataException moved) {
                    Thread.sleep(100);
                }
            }
        }
    }
}
