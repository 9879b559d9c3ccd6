package io.cachecheck.check;

/** The class of one checked key. Every checked key gets exactly one. */
public enum DriftClass {
    /** Cache and source agree after canonicalisation. */
    CONSISTENT,
    /** The cached value differs from the source row, and still did after the grace period. */
    STALE,
    /** The source row no longer exists. */
    ORPHAN,
    /** The cached value cannot be decoded, has the wrong Redis type, is too large or has unexpected fields. */
    CORRUPT,
    /** The key matches no namespace, or names a tenant that is not active. */
    UNMAPPED,
    /** The key differed, but a write was in progress (the source or cache changed, or the source version is newer
     *  within the grace window): not counted as drift. */
    IN_FLIGHT;

    /** Whether this class counts against the consistency score and the verdict. */
    public boolean isDrift() {
        return this == STALE || this == ORPHAN || this == CORRUPT || this == UNMAPPED;
    }
}
