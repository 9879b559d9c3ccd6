package io.cachecheck.contract;

/**
 * Tuning of a shard check. Every setting has a default suited to a 2-core machine; see docs/contract.md.
 *
 * @param scanCount        SCAN COUNT hint
 * @param batchSize        keys per source lookup and per pipelined cache read
 * @param maxBufferedKeys  keys held in memory across all (tenant, namespace) groups before a forced flush;
 *                         this, not the keyspace, bounds memory
 * @param parallelism      worker threads reading cache values and source rows while the scan goes on
 * @param graceMillis      race defence: how long a differing key is left before it is re-read
 * @param maxRetries       retries of a failed Redis or database call (with reconnect) before giving up
 * @param retryBackoffMillis first backoff between retries; doubles each time
 * @param maxValueBytes    larger cached values are reported CORRUPT (too large) instead of decoded
 * @param unmappedSampleSize how many unmapped keys are kept as a sample
 * @param maxFindings      findings kept in the result (counts are always exact)
 * @param deadlineSeconds  stop with INCOMPLETE after this long; 0 = no deadline
 * @param combineMinTenants from this many tenants in a work item on, small (tenant, namespace) groups share one
 *                         cache read and one source statement (PostgreSQL); 0 = always
 * @param maxMembers       a set, zset or list with more members (or more source rows for its key) is CORRUPT
 *                         {@code too-large} instead of compared; it also bounds the keys of a collection batch
 */
public record CheckSettings(int scanCount, int batchSize, int maxBufferedKeys, int parallelism, long graceMillis,
                            int maxRetries, long retryBackoffMillis, int maxValueBytes, int unmappedSampleSize,
                            int maxFindings, long deadlineSeconds, int combineMinTenants, int maxMembers) {

    /** The default of {@link #maxMembers()}. */
    public static final int DEFAULT_MAX_MEMBERS = 10_000;

    /**
     * The members one batch of a collection namespace may hold per side: its keys are at most this divided by
     * {@code maxMembers + 1} (and at most {@code batchSize}), so huge collections cannot fill the memory.
     */
    public static final int COLLECTION_BATCH_MEMBERS = 1_000_000;

    /** Settings with the default {@link #maxMembers()}. */
    public CheckSettings(int scanCount, int batchSize, int maxBufferedKeys, int parallelism, long graceMillis,
                         int maxRetries, long retryBackoffMillis, int maxValueBytes, int unmappedSampleSize,
                         int maxFindings, long deadlineSeconds, int combineMinTenants) {
        this(scanCount, batchSize, maxBufferedKeys, parallelism, graceMillis, maxRetries, retryBackoffMillis,
                maxValueBytes, unmappedSampleSize, maxFindings, deadlineSeconds, combineMinTenants, DEFAULT_MAX_MEMBERS);
    }

    public static CheckSettings defaults() {
        return new CheckSettings(1000, 500, 100_000, 2, 2000, 3, 200, 8 * 1024 * 1024, 20, 1_000_000, 0, 1000,
                DEFAULT_MAX_MEMBERS);
    }

    /** Keys per batch of a namespace: {@code batchSize}, or fewer for a collection (see {@link #COLLECTION_BATCH_MEMBERS}). */
    public int batchSize(ValueType type) {
        return type.collection() ? (int) Math.max(1, Math.min(batchSize, COLLECTION_BATCH_MEMBERS / (maxMembers + 1L))) : batchSize;
    }

    public CheckSettings withGraceMillis(long millis) {
        return new CheckSettings(scanCount, batchSize, maxBufferedKeys, parallelism, millis, maxRetries,
                retryBackoffMillis, maxValueBytes, unmappedSampleSize, maxFindings, deadlineSeconds, combineMinTenants,
                maxMembers);
    }
}
