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
 */
public record CheckSettings(int scanCount, int batchSize, int maxBufferedKeys, int parallelism, long graceMillis,
                            int maxRetries, long retryBackoffMillis, int maxValueBytes, int unmappedSampleSize,
                            int maxFindings, long deadlineSeconds, int combineMinTenants) {

    public static CheckSettings defaults() {
        return new CheckSettings(1000, 500, 100_000, 2, 2000, 3, 200, 8 * 1024 * 1024, 20, 1_000_000, 0, 1000);
    }

    public CheckSettings withGraceMillis(long millis) {
        return new CheckSettings(scanCount, batchSize, maxBufferedKeys, parallelism, millis, maxRetries,
                retryBackoffMillis, maxValueBytes, unmappedSampleSize, maxFindings, deadlineSeconds, combineMinTenants);
    }
}
