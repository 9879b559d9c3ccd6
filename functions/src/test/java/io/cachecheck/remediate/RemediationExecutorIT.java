package io.cachecheck.remediate;

import io.cachecheck.cache.CachedValue;
import io.cachecheck.check.Canonicalizer;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Finding;
import io.cachecheck.check.ShardValidator;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.redact.KeyRedactor;
import io.cachecheck.throttle.RateLimiter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/** The executor against the local Redis (database 7), each test under its own key prefix. */
class RemediationExecutorIT {
    private String prefix;
    private Contract contract;
    private RedisClient redis;

    @BeforeEach
    void connect() {
        prefix = "remit-" + UUID.randomUUID().toString().substring(0, 8);
        contract = TestContracts.contract(prefix);
        redis = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", 6379))
                .clientConfig(DefaultJedisClientConfig.builder().database(7).build()).build();
    }

    @AfterEach
    void cleanUp() {
        List<String> keys = new ArrayList<>(redis.keys(prefix + ":*"));
        if (!keys.isEmpty()) {
            redis.del(keys.toArray(new String[0]));
        }
        redis.close();
    }

    private String orderKey(String tenant, int id) {
        return prefix + ":t:" + tenant + ":order:" + id;
    }

    private String profileKey(String tenant, int id) {
        return prefix + ":t:" + tenant + ":profile:" + id;
    }

    /** A finding as the validator would write it for the key's current value. */
    private Finding judged(String tenant, String ns, String key, DriftClass c) {
        CachedValue value = switch (redis.type(key)) {
            case "string" -> new CachedValue.Text(redis.get(key.getBytes(StandardCharsets.UTF_8)));
            case "hash" -> new CachedValue.Hash(redis.hgetAll(key.getBytes(StandardCharsets.UTF_8)));
            default -> throw new IllegalStateException("unexpected type");
        };
        return new Finding(tenant, ns, key, c, "fields-differ", List.of("status"), null, null,
                Canonicalizer.hex(ShardValidator.rawDigest(value)), null, null, Instant.now());
    }

    private RemediationExecutor executor() {
        return RemediationExecutor.create(contract, SecretResolver.create(), new Limits(100, 100, 10_000));
    }

    @Test
    void execute_whenWriterRefreshedKeyAfterTheCheck_keepsTheFreshValue() {
        String refreshed = orderKey("t1", 1);
        String stale = orderKey("t1", 2);
        redis.set(refreshed, "{\"status\":\"old\"}");
        redis.set(stale, "{\"status\":\"old\"}");
        RemediationPlan plan = RemediationPlanner.plan(contract, List.of(
                judged("t1", "orders", refreshed, DriftClass.STALE), judged("t1", "orders", stale, DriftClass.STALE)), Limits.defaults());
        redis.set(refreshed, "{\"status\":\"fresh\"}"); // the application writes between check and remediation

        RemediationReport report;
        try (RemediationExecutor executor = executor()) {
            report = executor.execute(plan, false);
        }

        assertThat(report.results()).extracting(ActionResult::key, ActionResult::outcome, ActionResult::reason).containsExactly(
                tuple(refreshed, Outcome.SKIPPED_CHANGED, "value-changed"),
                tuple(stale, Outcome.APPLIED, "invalidated"));
        assertThat(redis.get(refreshed)).isEqualTo("{\"status\":\"fresh\"}");
        assertThat(redis.exists(stale)).isFalse();
    }

    @Test
    void execute_withRedactedKeys_actsOnTheUnsealedKeys_andFailsTheOneWhoseSealedKeyIsInvalid() {
        KeyRedactor redactor = KeyRedactor.hmac("k3y-for-tests-0123456789-abcdefgh".getBytes(StandardCharsets.UTF_8));
        String good = orderKey("t1", 1);
        String bad = orderKey("t1", 2);
        redis.set(good, "{\"status\":\"old\"}");
        redis.set(bad, "{\"status\":\"old\"}");
        List<Finding> redacted = redactor.redactFindings(List.of(
                judged("t1", "orders", good, DriftClass.STALE), judged("t1", "orders", bad, DriftClass.STALE)));
        // what Aggregate recovers: the bad key's sealed form did not authenticate, so it has no real key
        KeyResolver keys = KeyResolver.of(Map.of(redactor.apply(good), good));
        RemediationPlan plan = RemediationPlanner.plan(contract, redacted, Limits.defaults(), keys);

        RemediationReport dryRun;
        RemediationReport report;
        try (RemediationExecutor executor = executor()) {
            dryRun = executor.execute(plan, true, keys);
            report = executor.execute(plan, false, keys);
        }

        assertThat(plan.actions()).extracting(PlannedAction::key)
                .containsExactlyInAnyOrder(redactor.apply(good), redactor.apply(bad));
        assertThat(dryRun.results()).extracting(ActionResult::key, ActionResult::outcome, ActionResult::reason)
                .containsExactlyInAnyOrder(tuple(redactor.apply(good), Outcome.DRY_RUN, "would-invalidate"),
                        tuple(redactor.apply(bad), Outcome.FAILED, "sealed-key-invalid"));
        assertThat(report.results()).extracting(ActionResult::key, ActionResult::outcome, ActionResult::reason)
                .containsExactlyInAnyOrder(tuple(redactor.apply(good), Outcome.APPLIED, "invalidated"),
                        tuple(redactor.apply(bad), Outcome.FAILED, "sealed-key-invalid"));
        assertThat(redis.exists(good)).isFalse();
        assertThat(redis.get(bad)).isEqualTo("{\"status\":\"old\"}");
    }

    @Test
    void execute_twice_secondRunDoesNoHarm() {
        String json = orderKey("t1", 1);
        String hash = profileKey("t1", 1);
        redis.set(json, "{\"status\":\"old\"}");
        redis.hset(hash, Map.of("status", "old", "name", "x"));
        RemediationPlan plan = RemediationPlanner.plan(contract, List.of(
                judged("t1", "orders", json, DriftClass.STALE), judged("t1", "profiles", hash, DriftClass.STALE)), Limits.defaults());

        try (RemediationExecutor executor = executor()) {
            RemediationReport first = executor.execute(plan, false);
            RemediationReport second = executor.execute(plan, false);
            redis.hset(hash, Map.of("status", "rebuilt", "name", "x")); // read-through repopulates
            RemediationReport third = executor.execute(plan, false);

            assertThat(first.results()).extracting(ActionResult::outcome, ActionResult::reason).containsExactly(
                    tuple(Outcome.APPLIED, "invalidated"), tuple(Outcome.APPLIED, "invalidated-for-read-through"));
            assertThat(second.results()).extracting(ActionResult::outcome).containsExactly(Outcome.SKIPPED_GONE, Outcome.SKIPPED_GONE);
            assertThat(third.results()).extracting(ActionResult::outcome).containsExactly(Outcome.SKIPPED_GONE, Outcome.SKIPPED_CHANGED);
        }
        assertThat(redis.hgetAll(hash)).containsExactlyInAnyOrderEntriesOf(Map.of("status", "rebuilt", "name", "x"));
    }

    @Test
    void execute_whenHashGainedOrChangedAField_leavesItAlone() {
        String gained = profileKey("t1", 1);
        String changed = profileKey("t1", 2);
        redis.hset(gained, Map.of("status", "old"));
        redis.hset(changed, Map.of("status", "old", "name", "a"));
        RemediationPlan plan = RemediationPlanner.plan(contract, List.of(
                judged("t1", "profiles", gained, DriftClass.STALE), judged("t1", "profiles", changed, DriftClass.STALE)), Limits.defaults());
        redis.hset(gained, "extra", "1");
        redis.hset(changed, "name", "b");

        RemediationReport report;
        try (RemediationExecutor executor = executor()) {
            report = executor.execute(plan, false);
        }

        assertThat(report.results()).extracting(ActionResult::outcome).containsExactly(Outcome.SKIPPED_CHANGED, Outcome.SKIPPED_CHANGED);
        assertThat(redis.hlen(gained)).isEqualTo(2);
        assertThat(redis.hget(changed, "name")).isEqualTo("b");
    }

    @Test
    void execute_whenKeyHasWrongType_deletesItOnlyWhileStillWrong() {
        String wrong = orderKey("t1", 1);
        String repaired = orderKey("t1", 2);
        redis.hset(wrong, "status", "x");
        redis.hset(repaired, "status", "x");
        String wrongTypeDigest = Canonicalizer.hex(ShardValidator.rawDigest(new CachedValue.WrongType("string")));
        // CORRUPT values are remediated only where the namespace opts in
        RemediationPlan plan = RemediationPlanner.plan(TestContracts.remediatingUndecodable(prefix), List.of(
                new Finding("t1", "orders", wrong, DriftClass.CORRUPT, "wrong-type", List.of(), null, null, wrongTypeDigest, null, null, Instant.now()),
                new Finding("t1", "orders", repaired, DriftClass.CORRUPT, "wrong-type", List.of(), null, null, wrongTypeDigest, null, null, Instant.now())),
                Limits.defaults());
        redis.del(repaired);
        redis.set(repaired, "{\"status\":\"ok\"}");

        RemediationReport report;
        try (RemediationExecutor executor = executor()) {
            report = executor.execute(plan, false);
        }

        assertThat(report.results()).extracting(ActionResult::outcome).containsExactly(Outcome.APPLIED, Outcome.SKIPPED_CHANGED);
        assertThat(redis.exists(wrong)).isFalse();
        assertThat(redis.get(repaired)).isEqualTo("{\"status\":\"ok\"}");
    }

    @Test
    void execute_dryRun_touchesNothing() {
        String key = orderKey("t1", 1);
        redis.set(key, "{\"status\":\"old\"}");
        redis.expire(key, 3600);
        RemediationPlan plan = RemediationPlanner.plan(contract, List.of(judged("t1", "orders", key, DriftClass.STALE)), Limits.defaults());

        RemediationReport report;
        try (RemediationExecutor executor = executor()) {
            report = executor.execute(plan, true);
        }

        assertThat(report.results()).extracting(ActionResult::outcome).containsExactly(Outcome.DRY_RUN);
        assertThat(redis.get(key)).isEqualTo("{\"status\":\"old\"}");
        assertThat(redis.ttl(key)).isBetween(3500L, 3600L);
    }

    @Test
    void execute_takesOneRatePermitPerCacheWrite() {
        for (int i = 1; i <= 3; i++) {
            redis.set(orderKey("t1", i), "{\"status\":\"old\"}");
        }
        List<Finding> findings = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            findings.add(judged("t1", "orders", orderKey("t1", i), DriftClass.STALE));
        }
        redis.set(orderKey("t1", 3), "{\"status\":\"fresh\"}"); // skipped before writing: needs no permit
        RemediationPlan plan = RemediationPlanner.plan(contract, findings, Limits.defaults());
        List<Long> sleeps = new ArrayList<>();
        RateLimiter limiter = RateLimiter.of(5, () -> 0L, sleeps::add);

        RemediationReport report;
        try (RemediationExecutor executor = new RemediationExecutor(contract, () -> RedisClient.builder()
                .hostAndPort(new HostAndPort("127.0.0.1", 6379))
                .clientConfig(DefaultJedisClientConfig.builder().database(7).build()).build(), Limits.defaults(), limiter)) {
            report = executor.execute(plan, false);
        }

        assertThat(report.counts()).containsEntry(Outcome.APPLIED, 2L).containsEntry(Outcome.SKIPPED_CHANGED, 1L);
        // two writes at 5/s: the first goes at once, the second 200 ms later; the clock never moves here
        assertThat(sleeps).containsExactly(200_000_000L);
    }
}
