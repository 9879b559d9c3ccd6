package io.cachecheck.check;

import io.cachecheck.cache.RedisNodes;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.testing.DriftDataset;
import io.cachecheck.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15, item 2: a redis-server that stops answering in the middle of the run (SIGSTOP: its connections stay
 * open, its replies never come) must end the run at the deadline, INCOMPLETE and naming the node, instead of after
 * the 30 s socket timeouts of every retry (125 s with a deadline of 8 s before the fix).
 *
 * <p>Its own redis-server on a free loopback port, PostgreSQL schema {@code cc_it_cachedeadline}.
 */
class CacheDeadlineIT {
    static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String SCHEMA = "cc_it_cachedeadline";
    static final int DEADLINE_SECONDS = 3;
    /** docs/contract.md, {@code deadlineSeconds}: a stalled read ends within 1 s of the deadline; the test allows 2 s on a busy machine. */
    static final long MARGIN_MILLIS = 2000;

    private RedisServerProcess redis;
    private DriftDataset data;

    @BeforeEach
    void seed() throws Exception {
        redis = RedisServerProcess.start();
        data = new DriftDataset(SCHEMA, true, "dl:");
        try (Connection db = DriverManager.getConnection(PG_URL, "postgres", "");
             RedisClient client = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", redis.port())).build()) {
            data.seed(db, client);
            data.addOrders(db, client, 200);
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        redis.close(); // resumes it first
        try (Connection db = DriverManager.getConnection(PG_URL, "postgres", "")) {
            data.dropSchema(db);
        }
    }

    private Contract contract() {
        // the default retries and backoff (3, 200 ms doubling): what a user runs with
        return ContractLoader.withEnvironment(k -> null).parse(data.contract("redis://127.0.0.1:" + redis.port() + "/0",
                "jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test", false,
                "  deadlineSeconds: " + DEADLINE_SECONDS + "\n  scanCount: 20\n  batchSize: 16\n  retryBackoffMillis: 200\n  maxRetries: 3"));
    }

    private static ShardResult validate(Contract contract, ProgressListener progress) {
        SecretResolver secrets = SecretResolver.withEnvironment(k -> null);
        ShardWorkItem item = new ShardWorkItem("s", DriftDataset.TENANTS, List.of(), true);
        return new ShardValidator(contract, RedisNodes.discover(contract.cache(), secrets), secrets)
                .validate(item, Set.copyOf(DriftDataset.TENANTS), null, progress);
    }

    @Test
    void validate_whenRedisIsNotStopped_isExact() {
        // the same data and settings end DRIFT with every key checked, so the INCOMPLETE below comes from the stop alone
        ShardResult result = validate(contract(), null);
        assertThat(result.skipped()).isEmpty();
        assertThat(result.verdict()).isEqualTo(Verdict.DRIFT);
        assertThat(result.results()).allSatisfy(r -> assertThat(r.keysChecked()).isEqualTo(data.keysChecked(r.tenant(), r.namespace())));
    }

    @Test
    void validate_whenRedisIsStoppedMidScan_endsAtTheDeadlineAsIncompleteNamingTheNode() throws Exception {
        Contract contract = contract();
        AtomicBoolean stopped = new AtomicBoolean();
        ProgressListener stopAfterFirstPages = (scanned, estimated) -> {
            if (scanned >= 100 && stopped.compareAndSet(false, true)) {
                try {
                    redis.pause();
                } catch (Exception e) {
                    throw new IllegalStateException("kill -STOP failed", e);
                }
            }
        };
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try {
            long start = System.nanoTime();
            Future<ShardResult> run = runner.submit(() -> validate(contract, stopAfterFirstPages));
            // generous: before the fix, every attempt waited for a 30 s socket timeout
            ShardResult result = run.get(60, TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(stopped).isTrue();
            assertThat(millis).as("run time with a %d s deadline", DEADLINE_SECONDS)
                    .isLessThan(DEADLINE_SECONDS * 1000L + MARGIN_MILLIS);
            assertThat(result.verdict()).isEqualTo(Verdict.INCOMPLETE);
            String node = "127.0.0.1:" + redis.port();
            assertThat(result.skipped()).as("the node's scan stopped at the deadline")
                    .anySatisfy(s -> {
                        assertThat(s.node()).isEqualTo(node);
                        assertThat(s.reason()).startsWith("deadline: ").contains(node);
                    });
            assertThat(result.skipped()).extracting(Skipped::reason).allMatch(r -> r.startsWith("deadline: "));
            assertThat(result.results()).allMatch(r -> !r.complete());
        } finally {
            redis.resume();
            runner.shutdown();
            runner.awaitTermination(3, TimeUnit.MINUTES); // without the fix the run goes on once the server answers
        }
    }
}
