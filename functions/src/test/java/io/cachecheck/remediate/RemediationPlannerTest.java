package io.cachecheck.remediate;

import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Finding;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ValueType;
import io.cachecheck.throttle.RateLimiter;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.cachecheck.check.DriftClass.CORRUPT;
import static io.cachecheck.check.DriftClass.IN_FLIGHT;
import static io.cachecheck.check.DriftClass.ORPHAN;
import static io.cachecheck.check.DriftClass.STALE;
import static io.cachecheck.check.DriftClass.UNMAPPED;
import static org.assertj.core.api.Assertions.assertThat;

class RemediationPlannerTest {
    private static final Contract CONTRACT = TestContracts.contract("rp");
    private static final String DIGEST = "c".repeat(64);

    static Finding finding(String tenant, String ns, String key, DriftClass c) {
        return new Finding(tenant, ns, key, c, "fields-differ", List.of(), null, null, DIGEST, null, null, Instant.EPOCH);
    }

    /** An executor whose Redis connection must never be opened. */
    private static RemediationExecutor offlineExecutor(Limits limits, AtomicInteger connects) {
        return new RemediationExecutor(CONTRACT, () -> {
            connects.incrementAndGet();
            throw new AssertionError("Redis must not be touched");
        }, limits, RateLimiter.perSecond(1000));
    }

    @Test
    void plan_givesOneActionPerDriftedKey_andNoneToInFlightOrUnmapped() {
        RemediationPlan plan = RemediationPlanner.plan(CONTRACT, List.of(
                finding("t1", "orders", "rp:t:t1:order:1", STALE),
                finding("t1", "orders", "rp:t:t1:order:2", ORPHAN),
                finding("t1", "profiles", "rp:t:t1:profile:1", STALE),
                finding("t1", "profiles", "rp:t:t1:profile:2", ORPHAN),
                finding("t1", "profiles", "rp:t:t1:profile:3", CORRUPT),
                finding("t1", "orders", "rp:t:t1:order:4", CORRUPT),
                finding("t1", "orders", "rp:t:t1:order:3", IN_FLIGHT),
                finding(null, null, "stray:1", UNMAPPED),
                finding("t1", "orders", "rp:t:t1:order:1", STALE)), Limits.defaults());

        assertThat(plan.executable()).isTrue();
        assertThat(plan.actions()).containsExactly(
                new PlannedAction("t1", "orders", "rp:t:t1:order:1", ValueType.JSON, Action.INVALIDATE, STALE, DIGEST),
                new PlannedAction("t1", "orders", "rp:t:t1:order:2", ValueType.JSON, Action.INVALIDATE, ORPHAN, DIGEST),
                new PlannedAction("t1", "profiles", "rp:t:t1:profile:1", ValueType.HASH, Action.REPOPULATE, STALE, DIGEST),
                new PlannedAction("t1", "profiles", "rp:t:t1:profile:2", ValueType.HASH, Action.INVALIDATE, ORPHAN, DIGEST),
                new PlannedAction("t1", "profiles", "rp:t:t1:profile:3", ValueType.HASH, Action.REPOPULATE, CORRUPT, DIGEST));
        assertThat(plan.excluded()).extracting(Excluded::key, Excluded::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("rp:t:t1:order:4", "not-compared-undecodable"),
                org.assertj.core.groups.Tuple.tuple("rp:t:t1:order:3", "in-flight"),
                org.assertj.core.groups.Tuple.tuple("stray:1", "unmapped"),
                org.assertj.core.groups.Tuple.tuple("rp:t:t1:order:1", "duplicate"));
    }

    @Test
    void plan_whenAValueCouldNotBeDecoded_excludesItUnlessTheNamespaceOptsIn() {
        // orders does not opt in: a wrong decode declaration makes every key CORRUPT, and none may be deleted
        List<Finding> findings = new ArrayList<>();
        for (String reason : List.of("not-utf8: looks like Java serialization (stream magic AC ED)", "invalid-json",
                "unexpected-fields", "wrong-type: expected hash", "gzip: truncated data")) {
            findings.add(new Finding("t1", "orders", "rp:t:t1:order:" + findings.size(), CORRUPT, reason, List.of(), null, null,
                    DIGEST, null, null, Instant.EPOCH));
        }
        findings.add(new Finding("t1", "profiles", "rp:t:t1:profile:1", CORRUPT, "not-utf8", List.of(), null, null,
                DIGEST, null, null, Instant.EPOCH));

        RemediationPlan plan = RemediationPlanner.plan(CONTRACT, findings, Limits.defaults());

        assertThat(plan.excluded()).extracting(Excluded::reason).containsOnly("not-compared-undecodable").hasSize(5);
        assertThat(plan.actions()).extracting(PlannedAction::key, PlannedAction::action)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("rp:t:t1:profile:1", Action.REPOPULATE));
    }

    @Test
    void plan_whenAValueWasTooLargeToCompare_doesNotTouchIt() {
        Finding tooLarge = new Finding("t1", "orders", "rp:t:t1:order:9", CORRUPT,
                "too-large: 412 bytes > check.maxValueBytes 300", List.of(), null, null, DIGEST, null, null, Instant.EPOCH);

        RemediationPlan plan = RemediationPlanner.plan(CONTRACT, List.of(tooLarge), Limits.defaults());

        assertThat(plan.actions()).isEmpty();
        assertThat(plan.excluded()).extracting(Excluded::key, Excluded::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("rp:t:t1:order:9", "not-compared-too-large"));
    }

    @Test
    void plan_whenKeyOutsideTheTenantsPattern_refusesIt() {
        RemediationPlan plan = RemediationPlanner.plan(CONTRACT, List.of(
                finding("t1", "orders", "rp:t:t2:order:1", STALE),        // another tenant's key
                finding("t1", "orders", "other:t:t1:order:1", STALE),     // not the namespace's pattern
                finding("t1", "profiles", "rp:t:t1:order:1", STALE),      // another namespace's pattern
                finding("t1", "nope", "rp:t:t1:order:1", STALE),
                new Finding("t1", "orders", "rp:t:t1:order:9", STALE, "x", List.of(), null, null, null, null, null, Instant.EPOCH)),
                Limits.defaults());

        assertThat(plan.actions()).isEmpty();
        assertThat(plan.excluded()).extracting(Excluded::reason).containsExactly(
                "outside-tenant-pattern", "outside-tenant-pattern", "outside-tenant-pattern", "unknown-namespace", "no-value-digest");
    }

    @Test
    void plan_whenMoreKeysThanRunCap_isNotExecutable_andExecutorDoesNothing() {
        List<Finding> findings = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            findings.add(finding("t" + i, "orders", "rp:t:t" + i + ":order:1", STALE));
        }
        Limits limits = new Limits(3, 10, 100);
        RemediationPlan plan = RemediationPlanner.plan(CONTRACT, findings, limits);
        AtomicInteger connects = new AtomicInteger();

        RemediationReport report = offlineExecutor(limits, connects).execute(plan, false);

        assertThat(plan.executable()).isFalse();
        assertThat(plan.blockedReasons()).containsExactly("plan has 4 actions, more than maxKeysPerRun 3; nothing was executed:"
                + " look into the cause, then raise the limit or remediate fewer tenants per run");
        assertThat(report.executed()).isFalse();
        assertThat(report.results()).isEmpty();
        assertThat(report.notExecutedReasons()).isEqualTo(plan.blockedReasons());
        assertThat(connects).hasValue(0);
    }

    @Test
    void plan_whenOneTenantOverItsCap_blocksTheWholePlan() {
        Limits limits = new Limits(100, 2, 100);
        RemediationPlan plan = RemediationPlanner.plan(CONTRACT, List.of(
                finding("t1", "orders", "rp:t:t1:order:1", STALE),
                finding("t1", "orders", "rp:t:t1:order:2", STALE),
                finding("t1", "orders", "rp:t:t1:order:3", STALE),
                finding("t2", "orders", "rp:t:t2:order:1", STALE)), limits);

        assertThat(plan.executable()).isFalse();
        assertThat(plan.blockedReasons()).containsExactly(
                "tenant t1 has 3 actions, more than maxKeysPerTenant 2; nothing was executed: look into the cause, then raise the limit");
    }

    @Test
    void execute_whenPlanWasMadeUnderLooserLimits_enforcesItsOwnCaps() {
        RemediationPlan plan = RemediationPlanner.plan(CONTRACT, List.of(
                finding("t1", "orders", "rp:t:t1:order:1", STALE),
                finding("t1", "orders", "rp:t:t1:order:2", STALE)), Limits.defaults());
        AtomicInteger connects = new AtomicInteger();

        RemediationReport report = offlineExecutor(new Limits(1, 1, 10), connects).execute(plan, false);

        assertThat(report.executed()).isFalse();
        assertThat(report.notExecutedReasons()).hasSize(2);
        assertThat(connects).hasValue(0);
    }

    @Test
    void execute_whenStoredPlanWasTamperedWith_refusesActionsOutsideTheTenant() {
        RemediationPlan tampered = new RemediationPlan(List.of(
                new PlannedAction("t1", "orders", "rp:t:t2:order:1", ValueType.JSON, Action.INVALIDATE, STALE, DIGEST),
                new PlannedAction("t1", "orders", "elsewhere:1", ValueType.JSON, Action.INVALIDATE, STALE, DIGEST)),
                List.of(), true, List.of(), Limits.defaults());
        AtomicInteger connects = new AtomicInteger();

        RemediationReport report = offlineExecutor(Limits.defaults(), connects).execute(tampered, false);

        assertThat(report.results()).extracting(ActionResult::outcome, ActionResult::reason).containsOnly(
                org.assertj.core.groups.Tuple.tuple(Outcome.FAILED, "refused:outside-tenant-pattern"));
        assertThat(connects).hasValue(0);
    }

    @Test
    void execute_dryRun_reportsWhatWouldHappenWithoutConnecting() {
        RemediationPlan plan = RemediationPlanner.plan(CONTRACT, List.of(
                finding("t1", "orders", "rp:t:t1:order:1", STALE),
                finding("t1", "profiles", "rp:t:t1:profile:1", STALE)), Limits.defaults());
        AtomicInteger connects = new AtomicInteger();

        RemediationReport report = offlineExecutor(Limits.defaults(), connects).execute(plan, true);

        assertThat(report.dryRun()).isTrue();
        assertThat(report.results()).extracting(ActionResult::outcome, ActionResult::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Outcome.DRY_RUN, "would-invalidate"),
                org.assertj.core.groups.Tuple.tuple(Outcome.DRY_RUN, "would-repopulate"));
        assertThat(report.counts()).containsEntry(Outcome.DRY_RUN, 2L).containsEntry(Outcome.APPLIED, 0L);
        assertThat(connects).hasValue(0);
    }

    @Test
    void withKeys_redactsEveryKeyOfPlanAndReport() {
        RemediationPlan plan = RemediationPlanner.plan(CONTRACT, List.of(
                finding("t1", "orders", "rp:t:t1:order:1", STALE),
                finding("t1", "orders", "rp:t:t1:order:2", IN_FLIGHT)), Limits.defaults());

        RemediationPlan shown = plan.withKeys(k -> "hmac:x");

        assertThat(shown.actions()).extracting(PlannedAction::key).containsExactly("hmac:x");
        assertThat(shown.excluded()).extracting(Excluded::key).containsExactly("hmac:x");
        assertThat(shown.actions().get(0)).usingRecursiveComparison().ignoringFields("key").isEqualTo(plan.actions().get(0));
    }
}
