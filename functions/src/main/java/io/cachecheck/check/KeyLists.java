package io.cachecheck.check;

import java.util.List;
import java.util.Optional;

/**
 * The key lists of one node that the run's scan phase stores for the work items sharing that node: per work item,
 * its keys in numbered chunks, and the scan's {@link NodeScanRecord}, written last. Keys only, never values.
 * Implemented over the run's store by the workflow ({@code io.cachecheck.workflow.StoredKeyLists}).
 */
public interface KeyLists {
    /** Stores chunk {@code chunk} (0, 1, ...) of the keys for work item {@code shardId}. */
    void put(String shardId, int chunk, List<byte[]> keys);

    /**
     * A stored chunk; empty when there is none. Throws a {@link io.cachecheck.error.CacheCheckException} when it
     * exists but cannot be read (corrupt, or sealed under another key).
     */
    Optional<List<byte[]>> get(String shardId, int chunk);

    /** Stores the scan's record; written after every chunk, so a record means every chunk it lists is there. */
    void putRecord(NodeScanRecord record);

    /** The scan's record; empty when the scan did not finish writing (it failed, or never ran). */
    Optional<NodeScanRecord> record();
}
