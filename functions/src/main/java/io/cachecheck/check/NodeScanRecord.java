package io.cachecheck.check;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the scan phase did on one node, stored next to the key lists it wrote ({@link KeyLists#putRecord}); every
 * work item reading those lists takes its skipped parts over, so a node scanned incompletely makes every shard on it
 * INCOMPLETE.
 *
 * @param scanId       the scan item's id, e.g. {@code node-0}
 * @param node         {@code host:port} of the node scanned
 * @param keysScanned  keys SCAN returned (a restarted pass returns keys again)
 * @param keysIgnored  keys that no planned tenant claims and {@code cache.ignoreKeyPrefixes} ignores
 * @param restarts     how often the pass began again from cursor 0 on another server (restart, failover)
 * @param skipped      what the scan could not cover (deadline, node unavailable, too many restarts, empty keyspace)
 * @param chunks       work item id → how many chunks of keys were stored for it (absent = none)
 * @param keys         work item id → how many keys were stored for it
 */
public record NodeScanRecord(String scanId, String node, long keysScanned, long keysIgnored, int restarts,
                             List<Skipped> skipped, Map<String, Integer> chunks, Map<String, Long> keys,
                             Instant startedAt, long durationMillis) {
    public NodeScanRecord {
        skipped = skipped == null ? List.of() : List.copyOf(skipped);
        chunks = chunks == null ? Map.of() : Map.copyOf(chunks);
        keys = keys == null ? Map.of() : Map.copyOf(keys);
    }

    /**
     * Whether the pass stopped at its deadline before the end: the node is then larger than one scan invocation, and
     * its items SCAN it themselves, resumably, instead ({@code ValidateShard}).
     */
    public boolean ranOutOfTime() {
        return skipped.stream().anyMatch(s -> s.reason().startsWith("deadline:"));
    }
}
