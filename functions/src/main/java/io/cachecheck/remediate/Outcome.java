package io.cachecheck.remediate;

/** What happened to one planned action. */
public enum Outcome {
    /** The entry still held the judged value and was deleted. */
    APPLIED,
    /** The entry holds another value than the one judged drifted (a writer refreshed it): left alone. */
    SKIPPED_CHANGED,
    /** The entry no longer exists: nothing to do. */
    SKIPPED_GONE,
    /** Redis failed or the action was refused; the reason says which. Nothing was changed by this action. */
    FAILED,
    /** Dry run: what would have been attempted; Redis was not touched. */
    DRY_RUN
}
