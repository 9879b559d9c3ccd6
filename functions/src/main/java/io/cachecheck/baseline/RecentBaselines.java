package io.cachecheck.baseline;

import java.util.List;

/**
 * The scores of the most recent stored baselines, oldest first, for a score trend.
 *
 * @param baselines      the baselines read, oldest first
 * @param listed         baseline objects found (the listing stops at {@link ObjectStoreBaselineStore#MAX_LISTED})
 * @param listingCapped  true when the listing stopped at its cap: older or newer baselines may be missing
 * @param unreadable     listed baselines that could not be read (not JSON, another format version) and were left out
 * @param skippedForSize recent baselines left out because reading them would pass
 *                       {@link ObjectStoreBaselineStore#MAX_TREND_BYTES}
 */
public record RecentBaselines(List<BaselineScores> baselines, int listed, boolean listingCapped, int unreadable,
                              int skippedForSize) {
    public RecentBaselines {
        baselines = List.copyOf(baselines);
    }
}
