package io.cachecheck.remediate;

/** What remediation does to one drifted key. */
public enum Action {
    /** Delete the cached entry, if it still holds the value judged drifted. */
    INVALIDATE,
    /**
     * For namespaces with {@code rebuild: true}: get the entry rebuilt from the source. Executed as a race-safe
     * INVALIDATE; the application's read-through writes the rebuilt value on the next read (see docs/remediation.md).
     */
    REPOPULATE
}
