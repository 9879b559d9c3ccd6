package io.cachecheck.baseline;

import io.cachecheck.error.InvalidInputException;

/**
 * When the gate fails a run. Any combination may be on.
 *
 * @param maxDriftRatio     fail when drifted / checked keys exceeds this (0..1); null = no ratio check
 * @param failOnRegression  fail on any regression (new drift, or a score drop beyond the tolerance); default true
 * @param failOnIncomplete  fail when part of the scope was not checked; default true
 */
public record GatePolicy(Double maxDriftRatio, boolean failOnRegression, boolean failOnIncomplete) {

    public GatePolicy {
        if (maxDriftRatio != null && !(maxDriftRatio >= 0.0 && maxDriftRatio <= 1.0)) {
            throw new InvalidInputException("gate.maxDriftRatio " + maxDriftRatio + " is out of range; use a value from 0 to 1, or leave it unset");
        }
    }

    /** Fail on regressions and on incomplete runs; no drift-ratio limit. */
    public static GatePolicy defaults() {
        return new GatePolicy(null, true, true);
    }
}
