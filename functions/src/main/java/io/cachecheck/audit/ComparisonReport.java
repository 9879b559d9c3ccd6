package io.cachecheck.audit;

import io.cachecheck.baseline.Comparison;
import io.cachecheck.baseline.DriftedKey;
import io.cachecheck.baseline.Regression;

import java.util.List;

/**
 * The run compared with its baseline, as recorded in the audit log (keys as written there).
 *
 * @param selection     the execution input's {@code baseline}: {@code latest}, {@code none} or a run id
 * @param comparedTo    the baseline's run id; null for the first run, {@code none}, or a changed key scheme
 * @param note          why keys were not compared, or null
 * @param savedBaseline the object key this run's baseline was saved under
 */
public record ComparisonReport(String selection, String comparedTo, String note, List<Regression> regressions,
                               List<DriftedKey> persistent, List<DriftedKey> resolved, List<DriftedKey> unverified,
                               String savedBaseline) {

    public static ComparisonReport of(String selection, Comparison c, String savedBaseline) {
        return new ComparisonReport(selection, c.comparedTo(), c.note(), c.regressions(), c.persistent(), c.resolved(),
                c.unverified(), savedBaseline);
    }
}
