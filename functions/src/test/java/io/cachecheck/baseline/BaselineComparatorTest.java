package io.cachecheck.baseline;

import io.cachecheck.audit.AuditDocuments;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Finding;
import io.cachecheck.check.TenantNamespaceResult;
import io.cachecheck.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.cachecheck.check.DriftClass.IN_FLIGHT;
import static io.cachecheck.check.DriftClass.ORPHAN;
import static io.cachecheck.check.DriftClass.STALE;
import static io.cachecheck.check.DriftClass.UNMAPPED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class BaselineComparatorTest {
    private static final Instant T1 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant T2 = Instant.parse("2026-03-02T10:00:00Z");
    private static final Instant T3 = Instant.parse("2026-03-03T10:00:00Z");

    public static TenantNamespaceResult result(String tenant, String ns, long checked, long stale, long orphan, boolean complete) {
        long drifted = stale + orphan;
        return new TenantNamespaceResult(tenant, ns, checked, checked - drifted, stale, orphan, 0, 0, 0,
                checked == 0 ? 1.0 : 1.0 - (double) drifted / checked, "d".repeat(64), "e".repeat(64), complete);
    }

    public static Finding finding(String tenant, String key, DriftClass c, Instant at) {
        return AuditDocuments.finding(tenant, tenant == null ? null : "orders", key, c, at);
    }

    public static RunSnapshot run(String id, Instant at, List<TenantNamespaceResult> results, List<Finding> findings) {
        return new RunSnapshot(id, at, "plain", results, findings, false, results.stream().allMatch(TenantNamespaceResult::complete));
    }

    @Test
    void compare_acrossThreeRuns_carriesFirstSeenForward() {
        Comparison first = BaselineComparator.compare(null, run("run-1", T1,
                List.of(result("t1", "orders", 10, 1, 0, true)),
                List.of(finding("t1", "t:t1:order:1", STALE, T1.plusSeconds(5)))), 0.0);
        Comparison second = BaselineComparator.compare(first.baseline(), run("run-2", T2,
                List.of(result("t1", "orders", 10, 0, 1, true)),
                List.of(finding("t1", "t:t1:order:1", ORPHAN, T2.plusSeconds(5)))), 0.0);
        Comparison third = BaselineComparator.compare(second.baseline(), run("run-3", T3,
                List.of(result("t1", "orders", 10, 1, 0, true)),
                List.of(finding("t1", "t:t1:order:1", STALE, T3.plusSeconds(5)))), 0.0);

        DriftedKey expected = new DriftedKey("t1", "orders", "t:t1:order:1", STALE, T1.plusSeconds(5), "run-1");
        assertThat(first.baseline().drifted()).containsExactly(expected);
        assertThat(second.persistent()).containsExactly(
                new DriftedKey("t1", "orders", "t:t1:order:1", ORPHAN, T1.plusSeconds(5), "run-1"));
        assertThat(third.persistent()).containsExactly(expected);
        assertThat(third.baseline().drifted()).containsExactly(expected);
        assertThat(third.comparedTo()).isEqualTo("run-2");
        assertThat(second.regressions()).isEmpty();
        assertThat(third.regressions()).isEmpty();
    }

    @Test
    void compare_whenNewKeyDriftsAndOldOneIsFixed_reportsRegressionAndResolved() {
        Comparison before = BaselineComparator.compare(null, run("run-1", T1,
                List.of(result("t1", "orders", 10, 1, 0, true)),
                List.of(finding("t1", "t:t1:order:1", STALE, T1))), 0.0);

        Comparison now = BaselineComparator.compare(before.baseline(), run("run-2", T2,
                List.of(result("t1", "orders", 10, 1, 0, true)),
                List.of(finding("t1", "t:t1:order:2", STALE, T2))), 0.0);

        assertThat(now.regressions()).containsExactly(
                new Regression(Regression.Kind.NEW_DRIFT, "t1", "orders", "t:t1:order:2", STALE, null, null));
        assertThat(now.resolved()).containsExactly(new DriftedKey("t1", "orders", "t:t1:order:1", STALE, T1, "run-1"));
        assertThat(now.persistent()).isEmpty();
        assertThat(now.baseline().drifted()).containsExactly(new DriftedKey("t1", "orders", "t:t1:order:2", STALE, T2, "run-2"));
    }

    @Test
    void compare_whenScoreDropsMoreThanTolerance_reportsScoreDrop() {
        Baseline before = BaselineComparator.compare(null, run("run-1", T1,
                List.of(result("t1", "orders", 100, 0, 0, true), result("t2", "orders", 100, 0, 0, true)), List.of()), 0.0).baseline();
        // t1 drops by exactly the tolerance (not a regression), t2 by more
        RunSnapshot current = run("run-2", T2,
                List.of(result("t1", "orders", 100, 5, 0, true), result("t2", "orders", 100, 6, 0, true)), List.of());

        Comparison c = BaselineComparator.compare(before, current, 0.05);

        assertThat(c.regressions()).containsExactly(
                new Regression(Regression.Kind.SCORE_DROP, "t2", "orders", null, null, 1.0, 0.94));
    }

    @Test
    void compare_withoutBaseline_reportsNoRegressionsAndStartsFirstSeenNow() {
        Comparison c = BaselineComparator.compare(null, run("run-1", T1,
                List.of(result("t1", "orders", 10, 1, 0, true)),
                List.of(finding("t1", "t:t1:order:1", STALE, null))), 0.0);

        assertThat(c.comparedTo()).isNull();
        assertThat(c.regressions()).isEmpty();
        assertThat(c.baseline().drifted()).containsExactly(new DriftedKey("t1", "orders", "t:t1:order:1", STALE, T1, "run-1"));
    }

    @Test
    void compare_whenNamespaceIncompleteOrKeyInFlight_keepsOldDriftUnverified() {
        Baseline before = BaselineComparator.compare(null, run("run-1", T1,
                List.of(result("t1", "orders", 10, 2, 0, true), result("t2", "orders", 10, 1, 0, true)),
                List.of(finding("t1", "t:t1:order:1", STALE, T1), finding("t1", "t:t1:order:2", STALE, T1),
                        finding("t2", "t:t2:order:1", STALE, T1))), 0.0).baseline();

        Comparison c = BaselineComparator.compare(before, run("run-2", T2,
                List.of(result("t1", "orders", 10, 0, 0, true), result("t2", "orders", 3, 0, 0, false)),
                List.of(finding("t1", "t:t1:order:2", IN_FLIGHT, T2))), 0.0);

        assertThat(c.resolved()).extracting(DriftedKey::key).containsExactly("t:t1:order:1");
        assertThat(c.unverified()).extracting(DriftedKey::key).containsExactly("t:t1:order:2", "t:t2:order:1");
        assertThat(c.baseline().drifted()).extracting(DriftedKey::key, DriftedKey::firstSeen)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("t:t1:order:2", T1), org.assertj.core.groups.Tuple.tuple("t:t2:order:1", T1));
    }

    @Test
    void compare_whenTenantOutOfScope_carriesItsFiguresAndKeys() {
        Baseline before = BaselineComparator.compare(null, run("run-1", T1,
                List.of(result("t1", "orders", 10, 0, 0, true), result("t2", "orders", 10, 1, 0, true)),
                List.of(finding("t2", "t:t2:order:1", STALE, T1))), 0.0).baseline();

        Comparison c = BaselineComparator.compare(before, run("run-2", T2, List.of(result("t1", "orders", 10, 0, 0, true)), List.of()), 0.0);

        assertThat(c.baseline().namespaces()).extracting(NamespaceFigures::tenant).containsExactly("t1", "t2");
        assertThat(c.unverified()).extracting(DriftedKey::key).containsExactly("t:t2:order:1");
        assertThat(c.resolved()).isEmpty();
    }

    @Test
    void compare_whenUnmappedKeyGoneAndRunComplete_resolvesIt() {
        Baseline before = BaselineComparator.compare(null, run("run-1", T1, List.of(),
                List.of(finding(null, "stray:1", UNMAPPED, T1))), 0.0).baseline();

        Comparison c = BaselineComparator.compare(before, run("run-2", T2, List.of(), List.of()), 0.0);

        assertThat(c.resolved()).extracting(DriftedKey::key).containsExactly("stray:1");
    }

    @Test
    void compare_whenUnmappedKeyAbsentFromATenantScopedRun_keepsItUnverified() {
        Baseline before = BaselineComparator.compare(null, run("run-1", T1, List.of(result("t1", "orders", 10, 0, 0, true)),
                List.of(finding(null, "stray:1", UNMAPPED, T1))), 0.0).baseline();

        // complete, but scoped to t1: it never looked for UNMAPPED keys
        Comparison c = BaselineComparator.compare(before,
                run("run-2", T2, List.of(result("t1", "orders", 10, 0, 0, true)), List.of()).scoped(), 0.0);

        assertThat(c.resolved()).isEmpty();
        assertThat(c.unverified()).extracting(DriftedKey::key).containsExactly("stray:1");
        assertThat(c.baseline().drifted()).containsExactly(new DriftedKey(null, null, "stray:1", UNMAPPED, T1, "run-1"));
    }

    @Test
    void compare_whenNamespacePartlyChecked_neitherComparesItsScoreNorReplacesItsFigures() {
        Baseline before = BaselineComparator.compare(null, run("run-1", T1,
                List.of(result("t1", "orders", 100, 10, 0, true), result("t2", "orders", 100, 0, 0, true)), List.of()), 0.0).baseline();

        // t1: only 4 keys checked, 1 of them stale (score 0.75 against 0.9); t2: nothing checked (score 1.0)
        Comparison c = BaselineComparator.compare(before, run("run-2", T2,
                List.of(result("t1", "orders", 4, 1, 0, false), result("t2", "orders", 0, 0, 0, false)), List.of()), 0.0);

        assertThat(c.regressions()).isEmpty();
        assertThat(c.baseline().namespaces()).extracting(NamespaceFigures::tenant, NamespaceFigures::keysChecked, NamespaceFigures::complete)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("t1", 100L, true), org.assertj.core.groups.Tuple.tuple("t2", 100L, true));

        // the next complete run compares with the figures carried forward, not with the partial ones
        Comparison next = BaselineComparator.compare(c.baseline(), run("run-3", T3,
                List.of(result("t1", "orders", 100, 10, 0, true), result("t2", "orders", 100, 0, 0, true)), List.of()), 0.0);
        assertThat(next.regressions()).isEmpty();
    }

    @Test
    void compare_whenOnlyPartialFiguresAreKnown_savesThemButComparesNoScoreWithThem() {
        Baseline partial = BaselineComparator.compare(null, run("run-1", T1,
                List.of(result("t1", "orders", 0, 0, 0, false)), List.of()), 0.0).baseline();
        assertThat(partial.namespaces()).extracting(NamespaceFigures::complete).containsExactly(false);

        Comparison c = BaselineComparator.compare(partial, run("run-2", T2,
                List.of(result("t1", "orders", 100, 10, 0, true)), List.of()), 0.0);

        assertThat(c.regressions()).isEmpty(); // 1.0 from zero keys checked is no score to drop from
        assertThat(c.baseline().namespaces()).extracting(NamespaceFigures::keysChecked).containsExactly(100L);
    }

    @Test
    void compare_whenFindingsTruncated_resolvesNothing() {
        Baseline before = BaselineComparator.compare(null, run("run-1", T1, List.of(result("t1", "orders", 10, 1, 0, true)),
                List.of(finding("t1", "t:t1:order:1", STALE, T1))), 0.0).baseline();
        RunSnapshot truncated = new RunSnapshot("run-2", T2, "plain", List.of(result("t1", "orders", 10, 1, 0, true)), List.of(), true, true);

        Comparison c = BaselineComparator.compare(before, truncated, 0.0);

        assertThat(c.resolved()).isEmpty();
        assertThat(c.unverified()).extracting(DriftedKey::key).containsExactly("t:t1:order:1");
    }

    @Test
    void compare_whenKeySchemeChanged_skipsKeyComparisonAndSaysWhy() {
        Baseline before = BaselineComparator.compare(null, run("run-1", T1, List.of(result("t1", "orders", 10, 1, 0, true)),
                List.of(finding("t1", "t:t1:order:1", STALE, T1))), 0.0).baseline();
        RunSnapshot redacted = new RunSnapshot("run-2", T2, "hmac-sha256:0123456789abcdef",
                List.of(result("t1", "orders", 10, 1, 0, true)), List.of(finding("t1", "hmac:" + "f".repeat(64), STALE, T2)), false, true);

        Comparison c = BaselineComparator.compare(before, redacted, 0.0);

        assertThat(c.comparedTo()).isNull();
        assertThat(c.note()).contains("plain").contains("hmac-sha256:0123456789abcdef");
        assertThat(c.regressions()).isEmpty();
        assertThat(c.resolved()).isEmpty();
        assertThat(c.baseline().keyScheme()).isEqualTo("hmac-sha256:0123456789abcdef");
    }

    @Test
    void compare_whenToleranceOutOfRange_rejectsIt() {
        RunSnapshot r = run("run-1", T1, List.of(), List.of());
        assertThatThrownBy(() -> BaselineComparator.compare(null, r, 1.5))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("scoreTolerance 1.5");
    }
}
