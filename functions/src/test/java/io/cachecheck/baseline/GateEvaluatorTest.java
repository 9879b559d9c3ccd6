package io.cachecheck.baseline;

import io.cachecheck.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.cachecheck.baseline.BaselineComparatorTest.finding;
import static io.cachecheck.baseline.BaselineComparatorTest.result;
import static io.cachecheck.check.DriftClass.STALE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GateEvaluatorTest {
    private static final Instant T1 = Instant.parse("2026-03-01T10:00:00Z");

    private static final RunSnapshot CLEAN = BaselineComparatorTest.run("run-1", T1, List.of(result("t1", "orders", 100, 0, 0, true)), List.of());
    private static final RunSnapshot TWO_PERCENT = BaselineComparatorTest.run("run-2", T1.plusSeconds(60),
            List.of(result("t1", "orders", 100, 2, 0, true)),
            List.of(finding("t1", "t:t1:order:1", STALE, T1), finding("t1", "t:t1:order:2", STALE, T1)));

    @Test
    void evaluate_whenCleanAndComplete_passes() {
        GateDecision d = GateEvaluator.evaluate(new GatePolicy(0.0, true, true), CLEAN, BaselineComparator.compare(null, CLEAN, 0.0));
        assertThat(d).isEqualTo(new GateDecision(true, List.of()));
    }

    @Test
    void evaluate_whenRegressionAndFailOnRegression_fails() {
        Comparison c = BaselineComparator.compare(BaselineComparator.compare(null, CLEAN, 0.0).baseline(), TWO_PERCENT, 0.5);
        GateDecision d = GateEvaluator.evaluate(GatePolicy.defaults(), TWO_PERCENT, c);
        assertThat(d.passed()).isFalse();
        assertThat(d.reasons()).containsExactly("2 regression(s) since baseline run-1: 2 newly drifting key(s), 0 score drop(s)");
    }

    @Test
    void evaluate_whenRegressionButOnlyRatioChecked_passesUnderTheRatio() {
        Comparison c = BaselineComparator.compare(BaselineComparator.compare(null, CLEAN, 0.0).baseline(), TWO_PERCENT, 0.5);
        GateDecision d = GateEvaluator.evaluate(new GatePolicy(0.05, false, true), TWO_PERCENT, c);
        assertThat(d.passed()).isTrue();
    }

    @Test
    void evaluate_whenDriftRatioExceeded_failsWithFigures() {
        GateDecision d = GateEvaluator.evaluate(new GatePolicy(0.01, false, true), TWO_PERCENT, null);
        assertThat(d.reasons()).containsExactly("drift ratio 0.020000 (2 of 100 keys) exceeds maxDriftRatio 0.010000");
    }

    @Test
    void evaluate_whenBothChecksFail_listsBothReasons() {
        Comparison c = BaselineComparator.compare(BaselineComparator.compare(null, CLEAN, 0.0).baseline(), TWO_PERCENT, 0.0);
        GateDecision d = GateEvaluator.evaluate(new GatePolicy(0.01, true, true), TWO_PERCENT, c);
        assertThat(d.passed()).isFalse();
        assertThat(d.reasons()).hasSize(2);
        assertThat(d.reasons().get(1)).startsWith("3 regression(s) since baseline run-1: 2 newly drifting key(s), 1 score drop(s)");
    }

    @Test
    void evaluate_whenIncomplete_failsOnlyIfAsked() {
        RunSnapshot incomplete = BaselineComparatorTest.run("run-3", T1, List.of(result("t1", "orders", 10, 0, 0, false)), List.of());
        assertThat(GateEvaluator.evaluate(new GatePolicy(null, true, true), incomplete, null).reasons())
                .containsExactly("the run is incomplete: part of the scope was not checked");
        assertThat(GateEvaluator.evaluate(new GatePolicy(null, true, false), incomplete, null).passed()).isTrue();
    }

    @Test
    void policy_whenRatioOutOfRange_rejectsIt() {
        assertThatThrownBy(() -> new GatePolicy(-0.1, true, true)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("gate.maxDriftRatio -0.1");
    }
}
