package io.cachecheck.check;

/**
 * Where a work item's keys come from: its own SCAN of each node ({@link NodeScanner}), or the key lists the run's
 * scan phase stored for it ({@link StoredKeys}). Either way the keys go to a {@link KeyConsumer} page by page, the
 * {@code afterPage} hook runs after each page, and what could not be delivered is reported through the tally as
 * skipped, so everything after the source (batching, reads, lookups, classification, re-check) is the same.
 *
 * <p>A position to resume from is, for a SCAN, the node index and its cursor (with the server's run_id); for stored
 * lists, the node index, the chunk index and the offset of the next key in that chunk.
 */
interface KeySource {
    /** The keys expected in all, for progress; -1 when unknown. */
    long estimateKeys();

    /** Delivers every key, until the deadline or a fatal error stops the run (or, for a SCAN, a pause is due). */
    NodeScanner.End scanAll(long estimate, ProgressListener progress);
}
