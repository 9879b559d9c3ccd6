package io.cachecheck.baseline;

import io.cachecheck.sample.DriftEstimate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Decides whether a run passes a deployment gate. */
public final class GateEvaluator {
    private GateEvaluator() {
    }

    /**
     * @param comparison the run compared with its baseline; may be null when no comparison was made, in which case
     *                   regressions cannot fail the gate
     */
    public static GateDecision evaluate(GatePolicy policy, RunSnapshot run, Comparison comparison) {
        List<String> reasons = new ArrayList<>();
        if (policy.failOnIncomplete() && !run.complete()) {
            reasons.add("the run is incomplete: part of the scope was not checked");
        }
        if (policy.maxDriftRatio() != null && run.isSampled()) {
            // a sample passes only if the whole keyspace is within the limit with 95% confidence: the upper bound of
            // the interval, not the estimate, is compared (docs/scale.md, "Sampling")
            io.cachecheck.sample.DriftEstimate e = run.driftEstimate();
            if (e.high() > policy.maxDriftRatio()) {
                reasons.add(String.format(Locale.ROOT, "sampled drift ratio %.6f (%d of %d sampled keys), 95%% upper bound"
                        + " %.6f, exceeds maxDriftRatio %.6f%s", e.ratio(), e.drifted(), e.keysChecked(), e.high(),
                        policy.maxDriftRatio(), policy.maxDriftRatio() == 0 ? "; a sample can never show a ratio of 0"
                        + " with confidence: set maxDriftRatio above 0 (e.g. 0.001) or check every key"
                        : e.drifted() == 0 ? String.format(Locale.ROOT, "; with no drift in the sample"
                        + " the bound is about 3.84 / n, so it needs about %d sampled keys to pass", (long) Math.ceil(
                        DriftEstimate.Z95 * DriftEstimate.Z95 * (1 - policy.maxDriftRatio()) / Math.max(policy.maxDriftRatio(), 1e-12))) : ""));
            }
        } else if (policy.maxDriftRatio() != null && run.driftRatio() > policy.maxDriftRatio()) {
            reasons.add(String.format(Locale.ROOT, "drift ratio %.6f (%d of %d keys) exceeds maxDriftRatio %.6f",
                    run.driftRatio(), run.drifted(), run.keysChecked(), policy.maxDriftRatio()));
        }
        if (policy.failOnRegression() && comparison != null && comparison.hasRegressions()) {
            long newDrift = comparison.regressions().stream().filter(r -> r.kind() == Regression.Kind.NEW_DRIFT).count();
            long drops = comparison.regressions().size() - newDrift;
            reasons.add(String.format(Locale.ROOT, "%d regression(s) since baseline %s: %d newly drifting key(s), %d score drop(s)",
                    comparison.regressions().size(), comparison.comparedTo(), newDrift, drops));
        }
        return new GateDecision(reasons.isEmpty(), reasons);
    }
}
