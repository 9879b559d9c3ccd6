package io.cachecheck.check;

import io.cachecheck.throttle.RateLimiter;

import java.util.concurrent.TimeUnit;

/**
 * A work item's share of the run's caps ({@code throttle} in the execution input, docs/scale.md, "Throttling"):
 * keys read from the cache per second (every key a SCAN page returns, every key whose value is read, re-reads
 * included) and SQL statements per second. Shared by the scanning thread and the workers, so the item's total stays
 * under its share; a wait never outlasts the deadline (the deadline then ends the item INCOMPLETE as usual).
 */
final class ReadThrottle {
    static final ReadThrottle NONE = new ReadThrottle(null, null, null);

    private final RateLimiter cacheReads;
    private final RateLimiter sourceQueries;
    private final Deadline deadline;

    private ReadThrottle(RateLimiter cacheReads, RateLimiter sourceQueries, Deadline deadline) {
        this.cacheReads = cacheReads;
        this.sourceQueries = sourceQueries;
        this.deadline = deadline;
    }

    static ReadThrottle of(ItemOptions options, Deadline deadline) {
        if (options.cacheReadsPerSecond() == null && options.sourceQueriesPerSecond() == null) {
            return NONE;
        }
        return new ReadThrottle(options.cacheReadsPerSecond() == null ? null : RateLimiter.perSecond(options.cacheReadsPerSecond()),
                options.sourceQueriesPerSecond() == null ? null : RateLimiter.perSecond(options.sourceQueriesPerSecond()),
                deadline);
    }

    /** Before reading {@code keys} keys from the cache (a SCAN page counts the keys it returned). */
    void cacheReads(int keys) {
        if (cacheReads != null) {
            await(cacheReads.reserve(keys));
        }
    }

    /** Before one SQL statement. */
    void sourceQuery() {
        if (sourceQueries != null) {
            await(sourceQueries.reserve(1));
        }
    }

    private void await(long nanos) {
        if (nanos <= 0) {
            return;
        }
        long millis = deadline.cap(TimeUnit.NANOSECONDS.toMillis(nanos));
        try {
            if (millis > 0) {
                Thread.sleep(millis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the run is being stopped; its own checks end it
        }
    }
}
