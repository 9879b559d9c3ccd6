package io.cachecheck.workflow;

import io.cachecheck.baseline.GatePolicy;

/**
 * The execution input's {@code gate} object: when a run fails its gate, how far a score may drop before it is a
 * regression, and whether a gate run may remediate. The decision itself is
 * {@link io.cachecheck.baseline.GateEvaluator}'s.
 *
 * @param maxDriftRatio     highest tolerated drifted keys / keys checked, 0..1
 * @param failOnIncomplete  an INCOMPLETE run fails
 * @param failOnRegression  a run with regressions against the baseline fails
 * @param allowRemediation  whether a gate run may remediate
 * @param scoreTolerance    how far (0..1) a tenant/namespace score may drop since the baseline before it is a
 *                          SCORE_DROP regression
 */
public record GateThresholds(double maxDriftRatio, boolean failOnIncomplete, boolean failOnRegression,
                             boolean allowRemediation, double scoreTolerance) {
    public static final double DEFAULT_SCORE_TOLERANCE = 0.01;

    public static GateThresholds defaults() {
        return new GateThresholds(0, true, false, false, DEFAULT_SCORE_TOLERANCE);
    }

    /** The policy {@link io.cachecheck.baseline.GateEvaluator} applies. */
    public GatePolicy policy() {
        return new GatePolicy(maxDriftRatio, failOnRegression, failOnIncomplete);
    }
}
