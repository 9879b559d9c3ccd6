package io.cachecheck.baseline;

import io.cachecheck.audit.AuditDocuments;
import io.cachecheck.audit.AuditLogSchemaValidator;
import io.cachecheck.cache.RedisNodes;
import io.cachecheck.contract.CheckSettings;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.ProgressListener;
import io.cachecheck.check.ShardResult;
import io.cachecheck.check.ShardValidator;
import io.cachecheck.check.ShardWorkItem;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.redact.KeyRedactor;
import io.cachecheck.remediate.ActionResult;
import io.cachecheck.remediate.Limits;
import io.cachecheck.remediate.Outcome;
import io.cachecheck.remediate.RemediationExecutor;
import io.cachecheck.remediate.RemediationPlan;
import io.cachecheck.remediate.RemediationPlanner;
import io.cachecheck.remediate.RemediationReport;
import io.cachecheck.remediate.TestContracts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * The whole chain against the local PostgreSQL and Redis (database 7): check, baseline, plan, execute, check again,
 * compare, and write audit-log documents that must validate and must not contain any seeded value.
 */
class RemediationAuditEndToEndIT {
    @TempDir
    java.nio.file.Path storeDir;

    private static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String prefix = "e2e-" + run;
    private final String table = "cc_remit_" + run;
    /** Every seeded value carries this marker, so a leak into an audit document is easy to find. */
    private final String marker = "SEEDED" + run.toUpperCase();
    private RedisClient redis;
    private Contract contract;

    @BeforeEach
    void seed() throws SQLException {
        try (Connection c = DriverManager.getConnection(PG_URL, "postgres", null); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (tenant_id text, order_id text, status text, PRIMARY KEY (tenant_id, order_id))");
            s.execute("INSERT INTO " + table + " VALUES ('t1','1','" + marker + "-shipped'), ('t1','2','" + marker + "-paid'),"
                    + " ('t1','3','" + marker + "-open')");
        }
        redis = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", 6379))
                .clientConfig(DefaultJedisClientConfig.builder().database(7).build()).build();
        redis.set(key("order", 1), "{\"status\":\"" + marker + "-shipped\"}");      // consistent
        redis.set(key("order", 2), "{\"status\":\"" + marker + "-pending\"}");      // stale
        redis.set(key("order", 4), "{\"status\":\"" + marker + "-ghost\"}");        // orphan: no row 4
        redis.hset(key("profile", 3), Map.of("status", marker + "-closed"));        // stale hash, rebuild namespace
        contract = TestContracts.contract(prefix, table).withCheck(CheckSettings.defaults().withGraceMillis(50));
    }

    @AfterEach
    void cleanUp() throws SQLException {
        List<String> keys = new ArrayList<>(redis.keys(prefix + ":*"));
        if (!keys.isEmpty()) {
            redis.del(keys.toArray(new String[0]));
        }
        redis.close();
        try (Connection c = DriverManager.getConnection(PG_URL, "postgres", null); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
        }
    }

    private String key(String kind, int id) {
        return prefix + ":t:t1:" + kind + ":" + id;
    }

    private RunSnapshot check(String runId) {
        SecretResolver secrets = SecretResolver.create();
        ShardResult result = new ShardValidator(contract, RedisNodes.discover(contract.cache(), secrets), secrets)
                .validate(new ShardWorkItem("shard-0", List.of("t1"), List.of(), false), Set.of("t1"), null, ProgressListener.NONE);
        return RunSnapshot.of(runId, Instant.now(), List.of(result));
    }

    @Test
    void remediateThenRecheck_resolvesDrift_andAuditDocumentsValidateWithoutValues() {
        KeyRedactor redactor = KeyRedactor.hmac(("hmac-key-" + run + "-0123456789").getBytes(StandardCharsets.UTF_8));
        BaselineStore store = ObjectStoreBaselineStore.create(new io.cachecheck.store.DirectoryObjectStore(storeDir));

        RunSnapshot first = check("run-1");
        assertThat(first.findings()).extracting(f -> f.key(), f -> f.driftClass()).containsExactlyInAnyOrder(
                tuple(key("order", 2), DriftClass.STALE), tuple(key("order", 4), DriftClass.ORPHAN),
                tuple(key("profile", 3), DriftClass.STALE));
        Comparison firstComparison = BaselineComparator.compare(store.load(BaselineSelection.latest()).orElse(null),
                first.redacted(redactor), 0.0);
        store.save(firstComparison.baseline());

        RemediationPlan plan = RemediationPlanner.plan(contract, first.findings(), Limits.defaults());
        RemediationReport report;
        try (RemediationExecutor executor = RemediationExecutor.create(contract, SecretResolver.create(), Limits.defaults())) {
            report = executor.execute(plan, false);
        }
        assertThat(report.results()).extracting(ActionResult::key, ActionResult::outcome).containsExactly(
                tuple(key("order", 2), Outcome.APPLIED), tuple(key("order", 4), Outcome.APPLIED), tuple(key("profile", 3), Outcome.APPLIED));
        assertThat(redis.get(key("order", 1))).contains("-shipped");

        RunSnapshot second = check("run-2").redacted(redactor);
        Comparison secondComparison = BaselineComparator.compare(store.load(BaselineSelection.latest()).orElseThrow(), second, 0.0);
        assertThat(secondComparison.comparedTo()).isEqualTo("run-1");
        assertThat(secondComparison.regressions()).isEmpty();
        assertThat(secondComparison.resolved()).extracting(DriftedKey::key).containsExactlyInAnyOrder(
                redactor.apply(key("order", 2)), redactor.apply(key("order", 4)), redactor.apply(key("profile", 3)));

        String redactedDoc = AuditDocuments.document(first.redacted(redactor), firstComparison,
                GateEvaluator.evaluate(GatePolicy.defaults(), first, firstComparison), plan.withKeys(redactor),
                report.withKeys(redactor), first.complete() ? io.cachecheck.check.Verdict.DRIFT : io.cachecheck.check.Verdict.INCOMPLETE);
        String plainDoc = AuditDocuments.document(first, BaselineComparator.compare(null, first, 0.0),
                new GateDecision(false, List.of("x")), plan, report, io.cachecheck.check.Verdict.DRIFT);

        AuditLogSchemaValidator schema = AuditLogSchemaValidator.create();
        assertThat(schema.validate(redactedDoc)).isEmpty();
        assertThat(schema.validate(plainDoc)).isEmpty();
        assertThat(plainDoc).contains(key("order", 2)).doesNotContain(marker);
        assertThat(redactedDoc).doesNotContain(marker).doesNotContain(prefix).contains(redactor.apply(key("order", 2)));
    }
}
