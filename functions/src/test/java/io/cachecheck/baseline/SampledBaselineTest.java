package io.cachecheck.baseline;

import io.cachecheck.check.DriftClass;
import io.cachecheck.sample.DriftEstimate;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.cachecheck.baseline.BaselineComparatorTest.finding;
import static io.cachecheck.baseline.BaselineComparatorTest.result;
import static io.cachecheck.baseline.BaselineComparatorTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/** What a sampled run and a full run can say about each other (docs/scale.md, "Sampling", "Baselines"), and the gate. */
class SampledBaselineTest {
    private static final Instant T1 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant T2 = Instant.parse("2026-03-02T10:00:00Z");
    private static final Instant T3 = Instant.parse("2026-03-03T10:00:00Z");

    private static Baseline fullBaseline() {
        return BaselineComparator.compare(null, run("full-1", T1, List.of(result("t1", "orders", 1000, 2, 0, true)),
                List.of(finding("t1", "k1", DriftClass.STALE, T1), finding("t1", "k2", DriftClass.STALE, T1))), 0.01).baseline();
    }

    @Test
    void sampledRun_againstAFullBaseline_callsNewDriftNew_neverResolves_andKeepsTheFullFigures() {
        Baseline full = fullBaseline();
        // the sample saw k1 again and a new k3; k2 is outside it; its estimated score is far lower
        RunSnapshot sampled = run("smp-2", T2, List.of(result("t1", "orders", 20, 2, 0, true)),
                List.of(finding("t1", "k1", DriftClass.STALE, T2), finding("t1", "k3", DriftClass.STALE, T2))).sampled(0.02);

        Comparison c = BaselineComparator.compare(full, sampled, 0.01);

        assertThat(c.regressions()).extracting(Regression::kind).containsExactly(Regression.Kind.NEW_DRIFT);
        assertThat(c.regressions().get(0).key()).isEqualTo("k3");
        assertThat(c.persistent()).extracting(DriftedKey::key).containsExactly("k1");
        assertThat(c.resolved()).isEmpty();
        assertThat(c.unverified()).extracting(DriftedKey::key).containsExactly("k2");
        // no SCORE_DROP from an estimate (0.9 against 0.998), and the full figures stay
        assertThat(c.baseline().namespaces()).singleElement().satisfies(f -> {
            assertThat(f.keysChecked()).isEqualTo(1000);
            assertThat(f.complete()).isTrue();
        });
        // built on a full run's baseline, it still knows every key
        assertThat(c.baseline().sample()).isEqualTo(1.0);
        assertThat(BaselineCodec.read(BaselineCodec.write(c.baseline())).sample()).isEqualTo(1.0);

        // so the next full run can still call drift new, and resolve what is gone
        Comparison next = BaselineComparator.compare(c.baseline(), run("full-3", T3, List.of(result("t1", "orders", 1000, 2, 0, true)),
                List.of(finding("t1", "k3", DriftClass.STALE, T3), finding("t1", "k4", DriftClass.STALE, T3))), 0.01);
        assertThat(next.regressions()).extracting(Regression::key).containsExactly("k4");
        assertThat(next.resolved()).extracting(DriftedKey::key).containsExactlyInAnyOrder("k1", "k2");
    }

    @Test
    void baselineHistoryStartingWithASample_knowsOnlyTheSample_soLargerRunsReportNoNewDrift() {
        Comparison first = BaselineComparator.compare(null, run("smp-1", T1, List.of(result("t1", "orders", 10, 0, 0, true)),
                List.of()).sampled(0.01), 0.01);
        assertThat(first.baseline().sample()).isEqualTo(0.01);
        Baseline read = BaselineCodec.read(BaselineCodec.write(first.baseline()));
        assertThat(read.sample()).isEqualTo(0.01);
        // the sample's figures are stored as not complete: no later run reads a score drop against an estimate
        assertThat(read.namespaces()).singleElement().satisfies(f -> assertThat(f.complete()).isFalse());

        Comparison full = BaselineComparator.compare(read, run("full-2", T2, List.of(result("t1", "orders", 1000, 300, 0, true)),
                List.of(finding("t1", "k9", DriftClass.STALE, T2))), 0.01);
        assertThat(full.regressions()).as("k9 may have drifted unseen outside the 1% sample").isEmpty();
        assertThat(full.note()).contains("checked a sample of 0.01");
        assertThat(full.baseline().sample()).isEqualTo(1.0);
    }

    @Test
    void gate_onASample_comparesTheUpperBound() {
        // 5 drifted of 1,000 sampled: estimate 0.005, upper bound about 0.0117
        RunSnapshot sampled = run("smp", T1, List.of(result("t1", "orders", 1000, 5, 0, true)), List.of()).sampled(0.01);
        DriftEstimate e = DriftEstimate.wilson(5, 1000);
        assertThat(GateEvaluator.evaluate(new GatePolicy(0.01, false, true), sampled, null).passed())
                .as("estimate under the limit, bound above it").isFalse();
        assertThat(GateEvaluator.evaluate(new GatePolicy(e.high() + 1e-9, false, true), sampled, null).passed()).isTrue();
        // the same figures from a full run compare the exact ratio
        RunSnapshot full = run("full", T1, List.of(result("t1", "orders", 1000, 5, 0, true)), List.of());
        assertThat(GateEvaluator.evaluate(new GatePolicy(0.01, false, true), full, null).passed()).isTrue();
        // no drift in 1,000 sampled keys: bound 3.84/1003.84; limit 0.001 needs about 3,838 keys, and says so
        RunSnapshot clean = run("smp", T1, List.of(result("t1", "orders", 1000, 0, 0, true)), List.of()).sampled(0.01);
        GateDecision d = GateEvaluator.evaluate(new GatePolicy(0.001, false, true), clean, null);
        assertThat(d.passed()).isFalse();
        assertThat(d.reasons()).singleElement().asString().contains("95% upper bound 0.003827").contains("about 3838 sampled keys");
        assertThat(GateEvaluator.evaluate(new GatePolicy(0.0, false, true), clean, null).reasons()).singleElement().asString()
                .contains("set maxDriftRatio above 0");
    }
}
