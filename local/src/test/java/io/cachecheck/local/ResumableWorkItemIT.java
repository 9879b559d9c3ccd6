package io.cachecheck.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachecheck.check.Checkpoint;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Finding;
import io.cachecheck.check.ShardResult;
import io.cachecheck.check.Verdict;
import io.cachecheck.config.Settings;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.local.asl.AslOptions;
import io.cachecheck.local.asl.ExecutionStatus;
import io.cachecheck.local.asl.StateEvent;
import io.cachecheck.local.asl.TaskFailedException;
import io.cachecheck.local.asl.TaskInvoker;
import io.cachecheck.notify.ConsoleNotifier;
import io.cachecheck.store.DirectoryObjectStore;
import io.cachecheck.testing.RedisClusterProcess;
import io.cachecheck.testing.RedisServerProcess;
import io.cachecheck.workflow.Json;
import io.cachecheck.workflow.StoredShardResult;
import io.cachecheck.workflow.WorkflowEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.ClusterPipeline;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisClusterClient;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Work items continued from checkpoints through the whole state machine (local interpreter, real handlers): a
 * node checked with a small budget per invocation ends exactly as one uninterrupted run, a continuation that fails
 * is retried from its checkpoint, and a server restart between invocations starts the item over.
 *
 * <p>The figure is 1,000,000 keys with 2-second budgets: {@code -Dcachecheck.resume.keys=1000000}. That took
 * 94 s of test time with the machine at load 22 (it is shared by several builds), too long for every build, so by
 * default the node has 250,000 keys and the budget shrinks in proportion (500 ms), which keeps the number of
 * continuations about the same. Its own redis-server ({@link RedisServerProcess}) and PostgreSQL schemas {@code cc_resume_big} and {@code cc_resume_small}.
 */
class ResumableWorkItemIT {
    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final List<String> TENANTS = List.of("t0", "t1", "t2", "t3");
    /** Keys of the large node, spread over the four tenants; -Dcachecheck.resume.keys=... changes it. */
    private static final int BIG_KEYS = Integer.getInteger("cachecheck.resume.keys", 1_000_000);
    /** 2 s for 1M keys (the figure of issue 13), in proportion for another -Dcachecheck.resume.keys. */
    private static final long BUDGET_MILLIS = Math.max(50, 2000L * BIG_KEYS / 1_000_000);
    private static final int SMALL_KEYS = 120_000;
    private static final int UNMAPPED = 50;

    private static RedisServerProcess redis;
    private static Dataset big;
    private static Dataset small;

    @TempDir
    Path out;

    /**
     * One node's data in Redis database {@code db} and a schema: keys {@code rs:<tenant>:item:<id>} holding
     * {@code v-<id>}. Every 997th row holds another value (STALE), every 1009th key has no row (ORPHAN), and
     * {@link #UNMAPPED} keys match no namespace.
     */
    record Dataset(String schema, int db, int keys) {
        int perTenant() {
            return keys / TENANTS.size();
        }

        static boolean orphan(int id) {
            return id % 1009 == 0;
        }

        static boolean stale(int id) {
            return id % 997 == 0 && !orphan(id);
        }

        long count(java.util.function.IntPredicate p) {
            long n = 0;
            for (int id = 1; id <= perTenant(); id++) {
                if (p.test(id)) {
                    n++;
                }
            }
            return n * TENANTS.size();
        }

        void seed() throws Exception {
            try (Connection db = DriverManager.getConnection(PG, "postgres", ""); Statement st = db.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                st.execute("CREATE SCHEMA " + schema);
                st.execute("CREATE TABLE " + schema + ".tenants (tenant_id text PRIMARY KEY, active boolean NOT NULL)");
                st.execute("INSERT INTO " + schema + ".tenants VALUES ('t0', true), ('t1', true), ('t2', true), ('t3', true)");
                st.execute("CREATE TABLE " + schema + ".items (tenant_id text, id bigint, value text, PRIMARY KEY (tenant_id, id))");
                // generated in the server: no row travels over the connection
                st.execute("INSERT INTO " + schema + ".items SELECT t, g, CASE WHEN g % 997 = 0 THEN 'w-' || g ELSE 'v-' || g END"
                        + " FROM unnest(ARRAY['t0','t1','t2','t3']) t, generate_series(1, " + perTenant() + ") g"
                        + " WHERE g % 1009 <> 0");
            }
            try (Jedis jedis = redis.client()) {
                jedis.select(this.db);
                jedis.flushDB();
                Pipeline p = jedis.pipelined();
                int queued = 0;
                for (String tenant : TENANTS) {
                    for (int id = 1; id <= perTenant(); id++) {
                        p.set("rs:" + tenant + ":item:" + id, "v-" + id);
                        if (++queued % 20_000 == 0) {
                            p.sync();
                        }
                    }
                }
                for (int i = 0; i < UNMAPPED; i++) {
                    p.set("rs-misc:" + i, "x");
                }
                p.sync();
            }
        }

        void drop() throws Exception {
            try (Connection db = DriverManager.getConnection(PG, "postgres", ""); Statement st = db.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }

        Contract contract() {
            return contract("redis://127.0.0.1:" + redis.port() + "/" + db, "standalone", 1);
        }

        Contract contract(String cacheUrl, String mode, int shards) {
            return ContractLoader.create().parse("""
                    version: 1
                    cache:
                      url: "%s"
                      mode: %s
                    source:
                      url: "%s"
                      auth:
                        username: postgres
                    tenants:
                      sql: SELECT tenant_id FROM %s.tenants WHERE active ORDER BY tenant_id
                      shardCount: %d
                    check:
                      graceMillis: 300
                      maxRetries: 1
                      retryBackoffMillis: 10
                    namespaces:
                      - name: item
                        keyPattern: "rs:{tenant_id}:item:{id}"
                        valueType: string
                        sql: SELECT id, value FROM %s.items WHERE tenant_id = :tenant_id AND id IN (:id)
                        column: value
                    """.formatted(cacheUrl, mode, PG.replace("jdbc:", "jdbc:aws-wrapper:"), schema, shards, schema));
        }
    }

    @BeforeAll
    static void seed() throws Exception {
        redis = RedisServerProcess.start();
        big = new Dataset("cc_resume_big", 0, BIG_KEYS);
        small = new Dataset("cc_resume_small", 1, SMALL_KEYS);
        long t0 = System.nanoTime();
        big.seed();
        small.seed();
        System.out.printf("ResumableWorkItemIT: seeded %,d + %,d keys in %d ms%n", BIG_KEYS, SMALL_KEYS,
                (System.nanoTime() - t0) / 1_000_000);
    }

    @AfterAll
    static void drop() throws Exception {
        try {
            if (big != null) {
                big.drop();
            }
            if (small != null) {
                small.drop();
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    private LocalWorkflow workflow(Path dir, Dataset data, Map<String, String> settings, UnaryOperator<TaskInvoker> invoker) {
        return workflow(dir, data, settings, invoker, Duration.ofMinutes(15));
    }

    private LocalWorkflow workflow(Path dir, Dataset data, Map<String, String> settings, UnaryOperator<TaskInvoker> invoker,
                                   Duration functionTimeout) {
        return workflow(dir, data.contract(), settings, invoker, functionTimeout);
    }

    private LocalWorkflow workflow(Path dir, Contract contract, Map<String, String> settings, UnaryOperator<TaskInvoker> invoker,
                                   Duration functionTimeout) {
        WorkflowEnvironment env = WorkflowEnvironment.builder().settings(Settings.of(settings))
                .store(new DirectoryObjectStore(dir))
                .notifier(new ConsoleNotifier(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
                .contract(() -> contract).build();
        return new LocalWorkflow(env, LocalWorkflow.packagedDefinition(), AslOptions.defaults().withRetryIntervalScale(0),
                functionTimeout, invoker);
    }

    private static JsonNode manual() throws Exception {
        return Json.MAPPER.readTree("{\"mode\":\"manual\",\"gate\":{\"maxDriftRatio\":1}}");
    }

    /** Counts the ValidateShard invocations, with and without a checkpoint. */
    private static UnaryOperator<TaskInvoker> counting(AtomicInteger first, AtomicInteger continued) {
        return inner -> (function, payload) -> {
            if (function.contains("ValidateShard")) {
                (payload.hasNonNull("checkpoint") ? continued : first).incrementAndGet();
            }
            return inner.invoke(function, payload);
        };
    }

    private static ShardResult storedResult(Path dir, String runId) throws Exception {
        return StoredShardResult.fromJson(Files.readAllBytes(dir.resolve("runs/" + runId + "/shards/shard-0.json"))).result();
    }

    private static List<Checkpoint> checkpoints(Path dir, String runId) throws Exception {
        Path folder = dir.resolve("runs/" + runId + "/checkpoints/shard-0");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<Checkpoint> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.sorted().toList()) {
                out.add(Json.MAPPER.readValue(Files.readAllBytes(f), Checkpoint.class));
            }
        }
        return out;
    }

    /** A finding without its observation time, which differs from run to run. */
    private static String finding(Finding f) {
        return String.join("|", String.valueOf(f.tenant()), String.valueOf(f.namespace()), f.key(),
                f.driftClass().name(), f.reason(), String.valueOf(f.fields()), String.valueOf(f.cacheDigest()),
                String.valueOf(f.sourceDigest()), String.valueOf(f.valueDigest()));
    }

    /** Everything a result says about the data (not its timings). */
    private static Map<String, Object> figures(ShardResult r) {
        Map<String, Object> m = new HashMap<>();
        m.put("verdict", r.verdict());
        m.put("keysScanned", r.keysScanned());
        m.put("keysIgnored", r.keysIgnored());
        m.put("counts", r.counts());
        m.put("expired", r.expired());
        m.put("unmappedSample", r.unmappedSample());
        m.put("results", r.results());
        m.put("findings", r.findings().stream().map(ResumableWorkItemIT::finding).toList());
        m.put("findingsTruncated", r.findingsTruncated());
        m.put("skipped", r.skipped());
        return m;
    }

    /** The figures the seed implies, counted independently of the validator. */
    private static void assertExpected(ShardResult r, Dataset data) {
        long orphans = data.count(Dataset::orphan);
        long stale = data.count(Dataset::stale);
        assertThat(r.verdict()).isEqualTo(Verdict.DRIFT);
        assertThat(r.skipped()).isEmpty();
        assertThat(r.keysScanned()).isEqualTo(data.keys() + UNMAPPED);
        assertThat(r.counts()).containsEntry(DriftClass.ORPHAN, orphans).containsEntry(DriftClass.STALE, stale)
                .containsEntry(DriftClass.CONSISTENT, data.keys() - orphans - stale)
                .containsEntry(DriftClass.UNMAPPED, (long) UNMAPPED).containsEntry(DriftClass.IN_FLIGHT, 0L)
                .containsEntry(DriftClass.CORRUPT, 0L);
        assertThat(r.keysChecked()).isEqualTo(data.keys());
        assertThat(r.findings()).hasSize((int) (orphans + stale + UNMAPPED));
        assertThat(r.findings().stream().map(Finding::key).distinct().count()).isEqualTo(r.findings().size());
    }

    @Test
    void validate_whenTheNodeOutlastsManySmallBudgets_continuesFromCheckpointsToTheUninterruptedResult() throws Exception {
        long t0 = System.nanoTime();
        Path whole = out.resolve("whole");
        AtomicInteger wholeFirst = new AtomicInteger();
        AtomicInteger wholeContinued = new AtomicInteger();
        LocalWorkflow.Run uninterrupted = workflow(whole, big, Map.of(), counting(wholeFirst, wholeContinued))
                .run("resume-whole", manual());
        long t1 = System.nanoTime();
        Path parts = out.resolve("parts");
        AtomicInteger first = new AtomicInteger();
        AtomicInteger continued = new AtomicInteger();
        LocalWorkflow.Run resumed = workflow(parts, big, Map.of(Settings.INVOCATION_BUDGET_MILLIS.name(), Long.toString(BUDGET_MILLIS)),
                counting(first, continued)).run("resume-parts", manual());
        long t2 = System.nanoTime();
        long largest;
        try (Stream<Path> files = Files.list(parts.resolve("runs/resume-parts/checkpoints/shard-0"))) {
            largest = files.mapToLong(f -> f.toFile().length()).max().orElse(0);
        }
        System.out.printf("ResumableWorkItemIT: %,d keys uninterrupted in %d ms; with %d ms budgets in %d ms, %d invocations,"
                        + " largest checkpoint %,d bytes%n", BIG_KEYS, (t1 - t0) / 1_000_000, BUDGET_MILLIS,
                (t2 - t1) / 1_000_000, first.get() + continued.get(), largest);

        assertThat(uninterrupted.execution().status()).as("%s", uninterrupted.execution().cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(resumed.execution().status()).as("%s", resumed.execution().cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(wholeFirst.get()).isEqualTo(1);
        assertThat(wholeContinued.get()).isZero();
        assertThat(first.get()).isEqualTo(1);
        // As many continuations as the uninterrupted scan time holds budgets, less the last one: a quieter (or faster)
        // machine scans 1M keys in fewer 2 s budgets, so the count follows the measured scan time, and at least one
        // continuation there must be (here: about 7 s of scanning, 3 or more continuations).
        ShardResult whole1 = storedResult(whole, "resume-whole");
        long expectedContinuations = Math.max(1, whole1.timings().scanMillis() / BUDGET_MILLIS - 1);
        assertThat((long) continued.get()).as("continuations, for %d ms of uninterrupted scanning in %d ms budgets",
                whole1.timings().scanMillis(), BUDGET_MILLIS).isGreaterThanOrEqualTo(expectedContinuations);

        ShardResult a = storedResult(whole, "resume-whole");
        ShardResult b = storedResult(parts, "resume-parts");
        assertExpected(a, big);
        assertThat(figures(b)).isEqualTo(figures(a));
        assertThat(uninterrupted.auditLog().orElseThrow().summary()).isEqualTo(resumed.auditLog().orElseThrow().summary());

        // one checkpoint per continuation, numbered 1..n, and what they carried: keys waiting for their re-check
        // (grace period 300 ms) had to be finished by a later invocation
        List<Checkpoint> stored = checkpoints(parts, "resume-parts");
        assertThat(stored).hasSize(continued.get());
        assertThat(stored.stream().map(Checkpoint::sequence).sorted().toList())
                .isEqualTo(java.util.stream.IntStream.rangeClosed(1, continued.get()).boxed().toList());
        assertThat(stored).allSatisfy(c -> assertThat(c.nodes()).singleElement()
                .satisfies(p -> assertThat(p.done()).isFalse()));
        assertThat(stored.stream().mapToLong(c -> c.suspects().size()).sum()).as("suspects carried").isPositive();
        assertThat(checkpoints(whole, "resume-whole")).isEmpty();
        // bounded: no per-key record of what was counted travels, only waiting keys and the findings so far
        long maxFindings = b.findings().size();
        assertThat(stored).allSatisfy(c -> assertThat(c.figures().findings().size()).isLessThanOrEqualTo((int) maxFindings));
    }

    @Test
    void validate_whenAContinuationFails_retriesItFromTheSameCheckpointAndStaysExact() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<Integer> failedSequences = new ArrayList<>();
        List<Integer> sequences = new ArrayList<>();
        UnaryOperator<TaskInvoker> faults = inner -> (function, payload) -> {
            if (!function.contains("ValidateShard")) {
                return inner.invoke(function, payload);
            }
            int call = calls.incrementAndGet();
            int sequence = payload.path("checkpoint").path("sequence").asInt(0);
            sequences.add(sequence);
            if (call == 3) {
                // fails before it starts (the Lambda service failed the invocation)
                failedSequences.add(sequence);
                throw new TaskFailedException("Lambda.ServiceException", "injected before invocation " + call);
            }
            JsonNode result = inner.invoke(function, payload);
            if (call == 5) {
                // fails after it wrote its checkpoint: the retry reads the checkpoint before it again
                failedSequences.add(sequence);
                throw new TaskFailedException("Lambda.SdkClientException", "injected after invocation " + call);
            }
            return result;
        };
        // 100 ms budgets: at least 6 invocations for 120,000 keys on an idle machine too (about 130k keys/s at most), and
        // under the 100-continuation bound at 20k keys/s on a loaded one
        LocalWorkflow.Run run = workflow(out, small, Map.of(Settings.INVOCATION_BUDGET_MILLIS.name(), "100"), faults)
                .run("resume-retry", manual());

        assertThat(run.execution().status()).as("%s", run.execution().cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(calls.get()).as("invocations (need at least 6 for both faults)").isGreaterThanOrEqualTo(6);
        // each failed invocation was invoked again with the same checkpoint
        assertThat(failedSequences).hasSize(2);
        assertThat(sequences.get(3)).isEqualTo(sequences.get(2));
        assertThat(sequences.get(5)).isEqualTo(sequences.get(4));
        // the retries are in the work item's child execution (the Distributed Map runs each item as one)
        assertThat(run.execution().childExecutions().stream().flatMap(c -> c.history().stream())
                .filter(e -> e.type().equals(StateEvent.RETRIED)).count()).isEqualTo(2);
        ShardResult result = storedResult(out, "resume-retry");
        assertExpected(result, small);
    }

    @Test
    void validate_whenTheServerRestartsBetweenInvocations_startsTheItemOverAndStaysExact() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        UnaryOperator<TaskInvoker> restartBeforeThird = inner -> (function, payload) -> {
            if (function.contains("ValidateShard") && calls.incrementAndGet() == 3) {
                try {
                    // same keys, new process: the run_id in the checkpoint no longer answers, its cursor means nothing
                    redis.restartFromSnapshot();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return inner.invoke(function, payload);
        };
        LocalWorkflow.Run run = workflow(out, small, Map.of(Settings.INVOCATION_BUDGET_MILLIS.name(), "100"),
                restartBeforeThird).run("resume-restart", manual());

        assertThat(run.execution().status()).as("%s", run.execution().cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(calls.get()).isGreaterThan(3);
        List<Checkpoint> stored = checkpoints(out, "resume-restart");
        // checkpoint 3 was written by the third invocation, which met the new server: it starts the item over
        Checkpoint over = stored.stream().filter(c -> c.sequence() == 3).findFirst().orElseThrow();
        assertThat(over.figures()).isNull();
        assertThat(over.nodes()).singleElement().satisfies(p -> {
            assertThat(p.cursor()).isEqualTo("0");
            assertThat(p.restarts()).isEqualTo(1);
        });
        assertThat(stored.stream().filter(c -> c.sequence() == 2).findFirst().orElseThrow().figures()).isNotNull();
        assertExpected(storedResult(out, "resume-restart"), small);
    }

    @Test
    void validate_afterTheLastAllowedContinuation_runsToTheDeadlineAndEndsIncomplete() throws Exception {
        AtomicInteger first = new AtomicInteger();
        AtomicInteger continued = new AtomicInteger();
        // function timeout 30.5 s less the 30 s margin: each invocation's deadline is 0.5 s away, too little for the
        // large node's keys even on an idle machine (1.5 s was enough there to finish the scan); one continuation
        // allowed
        LocalWorkflow.Run run = workflow(out, big, Map.of(Settings.INVOCATION_BUDGET_MILLIS.name(), "200",
                Settings.MAX_CONTINUATIONS.name(), "1"), counting(first, continued), Duration.ofMillis(30_500))
                .run("resume-bound", Json.MAPPER.readTree(
                        "{\"mode\":\"manual\",\"gate\":{\"maxDriftRatio\":1,\"failOnIncomplete\":false}}"));

        assertThat(run.execution().status()).as("%s", run.execution().cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(first.get()).isEqualTo(1);
        assertThat(continued.get()).isEqualTo(1);
        assertThat(checkpoints(out, "resume-bound")).extracting(Checkpoint::sequence).containsExactly(1);
        ShardResult result = storedResult(out, "resume-bound");
        assertThat(result.verdict()).isEqualTo(Verdict.INCOMPLETE);
        assertThat(result.skipped()).isNotEmpty().allSatisfy(s -> assertThat(s.reason()).startsWith("deadline:"));
        // on a loaded machine the deadline can pass before the next SCAN is sent, which the reason then adds
        assertThat(result.skipped()).anySatisfy(s -> assertThat(s.reason())
                .startsWith("deadline: scan of node stopped before the end"));
        assertThat(result.keysScanned()).isLessThan(BIG_KEYS);
    }

    @Test
    void validate_onAClusterWithItemsContinuingAtOnce_endsAsTheUninterruptedRun() throws Exception {
        // the first 100,000 of cc_resume_small's rows, cached in a 3-primary cluster: an item per shard and node
        Dataset data = new Dataset("cc_resume_small", 0, 100_000);
        try (RedisClusterProcess cluster = RedisClusterProcess.start(3)) {
            try (RedisClusterClient client = RedisClusterClient.builder()
                    .nodes(Set.of(new HostAndPort("127.0.0.1", cluster.ports().get(0)))).build();
                 ClusterPipeline p = client.pipelined()) {
                for (String tenant : TENANTS) {
                    for (int id = 1; id <= data.perTenant(); id++) {
                        p.set("rs:" + tenant + ":item:" + id, "v-" + id);
                    }
                }
                for (int i = 0; i < UNMAPPED; i++) {
                    p.set("rs-misc:" + i, "x");
                }
                p.sync();
            }
            Contract contract = data.contract(cluster.url(), "cluster", 2);
            Path whole = out.resolve("whole");
            Path parts = out.resolve("parts");
            AtomicInteger first = new AtomicInteger();
            AtomicInteger continued = new AtomicInteger();
            // the items SCAN their nodes themselves, which is what continuations resume (with the scan phase, items that
            // share a node read its stored keys in one invocation: docs/scale.md, "One scan per key")
            String perItemScans = Settings.SHARED_SCAN.name();
            LocalWorkflow.Run a = workflow(whole, contract, Map.of(perItemScans, "false"), UnaryOperator.identity(),
                    Duration.ofMinutes(15)).run("resume-cluster-whole", manual());
            LocalWorkflow.Run b = workflow(parts, contract, Map.of(Settings.INVOCATION_BUDGET_MILLIS.name(), "100",
                    perItemScans, "false"), counting(first, continued), Duration.ofMinutes(15)).run("resume-cluster-parts", manual());

            assertThat(a.execution().status()).as("%s", a.execution().cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(b.execution().status()).as("%s", b.execution().cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
            List<String> items;
            try (Stream<Path> files = Files.list(whole.resolve("runs/resume-cluster-whole/shards"))) {
                items = files.map(f -> f.getFileName().toString()).sorted().toList();
            }
            // one item per (non-empty) shard and node: each loops on its own, several at once
            assertThat(items.size()).isGreaterThanOrEqualTo(3).matches(n -> n % 3 == 0, "a multiple of the 3 nodes");
            assertThat(first.get()).isEqualTo(items.size());
            assertThat(continued.get()).as("continuations of the items").isGreaterThanOrEqualTo(items.size());
            long stale = 0;
            long orphan = 0;
            long unmapped = 0;
            for (String item : items) {
                ShardResult x = StoredShardResult.fromJson(Files.readAllBytes(whole.resolve("runs/resume-cluster-whole/shards/" + item))).result();
                ShardResult y = StoredShardResult.fromJson(Files.readAllBytes(parts.resolve("runs/resume-cluster-parts/shards/" + item))).result();
                assertThat(figures(y)).as(item).isEqualTo(figures(x));
                stale += x.count(DriftClass.STALE);
                orphan += x.count(DriftClass.ORPHAN);
                unmapped += x.count(DriftClass.UNMAPPED);
            }
            assertThat(stale).isEqualTo(data.count(Dataset::stale));
            assertThat(orphan).isEqualTo(data.count(Dataset::orphan));
            assertThat(unmapped).isEqualTo(UNMAPPED);
            assertThat(b.auditLog().orElseThrow().summary()).isEqualTo(a.auditLog().orElseThrow().summary());
            assertThat(a.auditLog().orElseThrow().summary().keysChecked()).isEqualTo(data.keys() + UNMAPPED);
        }
    }
}
