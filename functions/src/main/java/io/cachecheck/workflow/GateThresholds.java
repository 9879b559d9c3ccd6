package io.cachecheck.workflow;

/**
 * When a run fails its gate.
 *
 * @param maxDriftRatio     highest tolerated drifted keys / keys checked, 0..1
 * @param failOnIncomplete  an INCOMPLETE run fails
 * @param failOnRegression  a run with regressions against the baseline fails
 * @param allowRemediation  whether a gate run may remediate
 */
public record GateThresholds(double maxDriftRatio, boolean failOnIncomplete, boolean failOnRegression,
                             boolean allowRemediation) {
    public static GateThresholds defaults() {
        return new GateThresholds(0, true, false, false);
    }
}
