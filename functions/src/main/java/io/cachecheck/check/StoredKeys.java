package io.cachecheck.check;

import io.cachecheck.error.CacheCheckException;
import redis.clients.jedis.HostAndPort;

import java.util.List;
import java.util.Optional;

/**
 * A work item's keys as the run's scan phase stored them ({@link KeyLists}), delivered chunk by chunk as a SCAN
 * delivers pages. The scan's skipped parts become the item's (its tenants are INCOMPLETE on that node), and so does a
 * missing record or a missing or unreadable chunk: a key not delivered is never taken as checked.
 *
 * <p>A position to resume from is the chunk index and the offset of the next key in it (chunks are immutable once
 * the record is written).
 */
final class StoredKeys implements KeySource {
    private final RunContext run;
    private final HostAndPort node;
    private final KeyLists lists;
    private final KeyConsumer router;
    private final Runnable afterPage;
    private Optional<NodeScanRecord> record;

    /** @param node the item's one node (index 0 of its node list) */
    StoredKeys(RunContext run, HostAndPort node, KeyLists lists, KeyConsumer router, Runnable afterPage) {
        this.run = run;
        this.node = node;
        this.lists = lists;
        this.router = router;
        this.afterPage = afterPage;
    }

    private Optional<NodeScanRecord> record() {
        if (record == null) {
            record = lists.record();
        }
        return record;
    }

    @Override
    public long estimateKeys() {
        return record().map(r -> r.keys().getOrDefault(run.item().shardId(), 0L)).orElse(-1L);
    }

    @Override
    public NodeScanner.End scanAll(long estimate, ProgressListener progress) {
        ShardTally tally = run.tally();
        String shardId = run.item().shardId();
        Optional<NodeScanRecord> scan = record();
        if (scan.isEmpty()) {
            tally.skipScope(node.toString(), "scan-missing: the run's scan phase stored no key list for node " + node
                    + " (its scan item failed or did not finish), so its keys were not checked; run again");
            return NodeScanner.End.COMPLETE;
        }
        for (Skipped s : scan.get().skipped()) {
            tally.skipScope(node.toString(), s.reason());
        }
        int chunks = scan.get().chunks().getOrDefault(shardId, 0);
        for (int c = 0; c < chunks; c++) {
            if (run.tasks().failed()) {
                return NodeScanner.End.STOPPED;
            }
            if (run.deadline().passed()) {
                tally.skipScope(node.toString(), "deadline: reading the stored keys of node stopped before the end"
                        + " (chunk " + c + " of " + chunks + ")");
                return NodeScanner.End.STOPPED;
            }
            Optional<List<byte[]>> keys;
            try {
                keys = lists.get(shardId, c);
            } catch (CacheCheckException e) {
                tally.skipScope(node.toString(), "scan-chunk-unreadable: chunk " + c + " of the stored keys: " + e.getMessage());
                return NodeScanner.End.COMPLETE;
            }
            if (keys.isEmpty()) {
                tally.skipScope(node.toString(), "scan-chunk-missing: chunk " + c + " of " + chunks
                        + " of the stored keys is gone; run again");
                return NodeScanner.End.COMPLETE;
            }
            for (byte[] key : keys.get()) {
                router.route(key, 0);
            }
            tally.scanned(keys.get().size());
            progress.onProgress(tally.scannedCount(), estimate);
            afterPage.run();
        }
        return NodeScanner.End.COMPLETE;
    }
}
