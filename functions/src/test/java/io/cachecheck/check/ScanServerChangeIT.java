package io.cachecheck.check;

import io.cachecheck.cache.RedisNodes;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.shard.ShardPlanner;
import io.cachecheck.source.JdbcSource;
import io.cachecheck.testing.DriftDataset;
import io.cachecheck.testing.RedisServerProcess;
import io.cachecheck.testing.TcpForwarder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15, item 1: another server starts answering for a node in the middle of its scan: a restart from the RDB
 * snapshot, or a replica promoted behind the same address. The result must be exact (or INCOMPLETE), never a false
 * CONSISTENT, never a key counted or reported twice. Before the fix the old cursor went on on the new server: keys
 * were skipped and others counted twice. Here the scan begins again from cursor 0 on the new server and returns
 * every key it had returned before a second time, which must still be counted once ({@link ShardTallyTest} covers
 * the duplicates SCAN itself returns while a table is resized, which are too few to provoke reliably here).
 *
 * <p>Each test starts its own redis-server processes on free loopback ports and seeds PostgreSQL schema
 * {@code cc_it_serverchange}. About 2,200 keys are scanned 20 at a time, so the fault lands mid-scan; it is caused
 * from the progress callback, at a different point in each of the repeated runs.
 */
class ScanServerChangeIT {
    static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String PG_WRAPPER_URL = "jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test";
    static final String SCHEMA = "cc_it_serverchange";
    /** Per tenant, on top of the dataset's 45 keys: 4 tenants, about 2,200 keys, about 110 pages. */
    static final int EXTRA_ORDERS = 500;
    static final int RUNS = 3;
    /** Enough retries for the reads in flight while the server restarts (50 ms doubling: up to 3 s). */
    static final String CHECK = "  scanCount: 20\n  batchSize: 16\n  maxRetries: 6\n  retryBackoffMillis: 50";

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    private DriftDataset seed(int redisPort, int extraOrders) throws Exception {
        DriftDataset data = new DriftDataset(SCHEMA, true, "sc:");
        try (Connection db = DriverManager.getConnection(PG_URL, "postgres", "");
             RedisClient redis = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", redisPort)).build()) {
            data.seed(db, redis);
            data.addOrders(db, redis, extraOrders);
        }
        cleanup.add(() -> {
            try (Connection db = DriverManager.getConnection(PG_URL, "postgres", "")) {
                data.dropSchema(db);
            }
        });
        return data;
    }

    private static Contract contract(DriftDataset data, int port, String check) {
        return contract(data.contract("redis://127.0.0.1:" + port + "/0", PG_WRAPPER_URL, false, check));
    }

    private static Contract contract(String yaml) {
        return ContractLoader.withEnvironment(k -> null).parse(yaml);
    }

    /** Every work item of the contract, one after the other; {@code fault} runs once, when the first has scanned {@code at} keys. */
    private static List<ShardResult> validateAll(Contract contract, long at, ThrowingRunnable fault) {
        SecretResolver secrets = SecretResolver.withEnvironment(k -> null);
        RedisNodes nodes = RedisNodes.discover(contract.cache(), secrets);
        ShardPlanner.Tenants tenants;
        try (JdbcSource source = new JdbcSource(contract.source(), secrets, 1, 10)) {
            tenants = ShardPlanner.discover(contract, source);
        }
        AtomicBoolean done = new AtomicBoolean();
        ProgressListener progress = (scanned, estimated) -> {
            if (scanned >= at && done.compareAndSet(false, true)) {
                try {
                    fault.run();
                } catch (Exception e) {
                    throw new IllegalStateException("the fault could not be caused", e);
                }
            }
        };
        List<ShardResult> results = new ArrayList<>();
        for (ShardWorkItem item : ShardPlanner.plan(tenants, null, nodes.coverage())) {
            results.add(new ShardValidator(contract, nodes, secrets).validate(item, tenants.ids(), null, progress));
        }
        assertThat(done).as("the fault happened during the scan").isTrue();
        return results;
    }

    /** A fault caused from the progress callback, on the scanning thread: the scan waits until it is done. */
    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static List<DriftDataset.Expected> findings(List<ShardResult> results) {
        List<DriftDataset.Expected> out = new ArrayList<>();
        for (ShardResult r : results) {
            for (Finding f : r.findings()) {
                out.add(new DriftDataset.Expected(f.tenant(), f.namespace(), f.key(), f.driftClass()));
            }
        }
        return out;
    }

    /**
     * Exact: every injected finding once and nothing else, nothing skipped, every key counted once. Or INCOMPLETE,
     * and then still no false or repeated finding and no key counted twice. Returns whether it was exact.
     */
    private static boolean assertExactOrIncomplete(DriftDataset data, List<ShardResult> results, String run) {
        List<DriftDataset.Expected> found = findings(results);
        assertThat(found).as(run + ": no finding twice").doesNotHaveDuplicates();
        Verdict verdict = results.stream().map(ShardResult::verdict).reduce(Verdict.CONSISTENT, Verdict::and);
        List<Skipped> skipped = results.stream().flatMap(r -> r.skipped().stream()).toList();
        if (verdict == Verdict.INCOMPLETE) {
            assertThat(skipped).as(run).isNotEmpty();
            assertThat(data.expected()).as(run + ": no false finding").containsAll(found);
            for (ShardResult r : results) {
                for (TenantNamespaceResult t : r.results()) {
                    assertThat(t.keysChecked()).as(run + " " + t.tenant() + "/" + t.namespace())
                            .isLessThanOrEqualTo(data.keysChecked(t.tenant(), t.namespace()));
                }
            }
            return false;
        }
        assertThat(skipped).as(run).isEmpty();
        assertThat(new HashSet<>(found)).as(run).containsExactlyInAnyOrderElementsOf(data.expected());
        assertThat(verdict).as(run).isEqualTo(Verdict.DRIFT);
        for (ShardResult r : results) {
            for (TenantNamespaceResult t : r.results()) {
                assertThat(t.keysChecked()).as(run + " " + t.tenant() + "/" + t.namespace())
                        .isEqualTo(data.keysChecked(t.tenant(), t.namespace()));
                assertThat(t.expired()).as(run + " " + t.tenant() + "/" + t.namespace()).isZero();
            }
        }
        assertThat(results.stream().mapToLong(r -> r.count(DriftClass.UNMAPPED)).sum()).as(run).isEqualTo(4);
        return true;
    }

    @Test
    void validate_whenRedisRestartsFromItsSnapshotMidScan_countsEveryKeyOnce() throws Exception {
        RedisServerProcess redis = RedisServerProcess.start();
        cleanup.add(redis);
        DriftDataset data = seed(redis.port(), EXTRA_ORDERS);
        Contract contract = contract(data, redis.port(), CHECK);
        int exact = 0;
        for (int run = 0; run < RUNS; run++) {
            String before = runId(redis);
            List<ShardResult> results = validateAll(contract, 300 + run * 600L, redis::restartFromSnapshot);
            assertThat(runId(redis)).as("a new server process").isNotEqualTo(before);
            exact += assertExactOrIncomplete(data, results, "run " + run) ? 1 : 0;
        }
        // the scan begins again on the new server, so a restart that the reads survive gives an exact result
        assertThat(exact).as("exact runs of " + RUNS).isEqualTo(RUNS);
    }

    @Test
    void validate_whenReplicaIsPromotedBehindTheSameAddressMidScan_countsEveryKeyOnce() throws Exception {
        // no 5 s wait for more replicas before each full resync (repl-diskless-sync-delay)
        RedisServerProcess a = RedisServerProcess.start("--repl-diskless-sync-delay", "0");
        cleanup.add(a);
        RedisServerProcess b = RedisServerProcess.start("--repl-diskless-sync-delay", "0",
                "--replicaof", "127.0.0.1", Integer.toString(a.port()));
        cleanup.add(b);
        DriftDataset data = seed(a.port(), EXTRA_ORDERS);
        awaitReplica(a, b);
        TcpForwarder endpoint = new TcpForwarder(a.port());
        cleanup.add(endpoint);
        Contract contract = contract(data, endpoint.port(), CHECK);
        int exact = 0;
        for (int run = 0; run < RUNS; run++) {
            RedisServerProcess primary = run % 2 == 0 ? a : b;
            RedisServerProcess replica = run % 2 == 0 ? b : a;
            List<ShardResult> results = validateAll(contract, 300 + run * 600L, () -> {
                try (Jedis promoted = replica.client()) {
                    promoted.replicaofNoOne();
                }
                endpoint.switchTo(replica.port());
            });
            exact += assertExactOrIncomplete(data, results, "run " + run) ? 1 : 0;
            // the old primary follows the new one, ready to be promoted in the next run
            try (Jedis old = primary.client()) {
                old.replicaof("127.0.0.1", replica.port());
            }
            awaitReplica(replica, primary);
        }
        assertThat(exact).as("exact runs of " + RUNS).isEqualTo(RUNS);
    }

    private static String runId(RedisServerProcess redis) {
        try (Jedis jedis = redis.client()) {
            return jedis.info("server").lines().filter(l -> l.startsWith("run_id:")).findFirst().orElseThrow();
        }
    }

    /** Waits until {@code replica} follows {@code primary} and holds all of its keys. */
    private static void awaitReplica(RedisServerProcess primary, RedisServerProcess replica) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        try (Jedis p = primary.client(); Jedis r = replica.client()) {
            while (System.nanoTime() < until) {
                String info = r.info("replication");
                if (info.contains("master_link_status:up") && info.contains("master_sync_in_progress:0")
                        && p.waitReplicas(1, 1000) >= 1 && r.dbSize() == p.dbSize()) {
                    return;
                }
                Thread.sleep(50);
            }
        }
        throw new AssertionError("replica on port " + replica.port() + " never caught up with " + primary.port());
    }
}
