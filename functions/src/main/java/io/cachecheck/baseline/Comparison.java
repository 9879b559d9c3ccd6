package io.cachecheck.baseline;

import java.util.List;

/**
 * This run compared with a baseline.
 *
 * @param comparedTo the baseline's run id; null when there was none (first run, {@code none}, or key schemes differ)
 * @param note       why key-level comparison was not possible, or null
 * @param regressions new drift and score drops; always empty without a baseline
 * @param persistent drifting now and in the baseline, with firstSeen carried forward
 * @param resolved   drifting in the baseline, checked now and no longer drifting
 * @param unverified drifting in the baseline but not verifiable now (its tenant/namespace was skipped or out of scope,
 *                   the key is in flight, or findings were truncated): carried into the new baseline unchanged
 * @param baseline   the baseline to save for this run
 */
public record Comparison(String comparedTo, String note, List<Regression> regressions, List<DriftedKey> persistent,
                         List<DriftedKey> resolved, List<DriftedKey> unverified, Baseline baseline) {

    public Comparison {
        regressions = List.copyOf(regressions);
        persistent = List.copyOf(persistent);
        resolved = List.copyOf(resolved);
        unverified = List.copyOf(unverified);
    }

    public boolean hasRegressions() {
        return !regressions.isEmpty();
    }
}
