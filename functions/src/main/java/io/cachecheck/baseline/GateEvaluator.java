package io.cachecheck.baseline;

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
        if (policy.maxDriftRatio() != null && run.driftRatio() > policy.maxDriftRatio()) {
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
