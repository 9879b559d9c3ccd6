package io.cachecheck.check;

import io.cachecheck.error.InvalidInputException;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where a work item stopped when its invocation ran out of time, so that the next invocation goes on from there
 * (docs/workflow.md, "Continuations"). It is stored, never carried in the state machine's state, and never changed
 * once written: a retried continuation reads the same checkpoint again.
 *
 * <p>What it holds is bounded by what the final result holds, plus the keys waiting for a batch and for a re-check
 * (each capped by {@code check.maxBufferedKeys}): the SCAN position per node, the figures so far, the keys routed
 * but not yet looked at, and the suspects waiting for their re-check with their first-look data. It holds no
 * per-key record of the keys already counted: a continuation goes on from the cursor, and SCAN returns every key
 * that stays in the keyspace once on either side of it (docs/scale.md, "Resumable work items").
 *
 * @param shardId           the work item
 * @param sequence          1 for the first checkpoint of the item, then 2, 3...
 * @param startedAt         when the item's first invocation began
 * @param scanMillis        scan time of the earlier invocations
 * @param recheckWaitMillis grace-period waits of the earlier invocations
 * @param nodes             per node of the item, in the item's order, where its pass stands
 * @param figures           the tally so far; null when the item starts over from cursor 0 (a server changed)
 * @param buffered          keys routed to a group but not looked at yet
 * @param suspects          keys that differed at first look, waiting for their re-check
 */
public record Checkpoint(String shardId, int sequence, Instant startedAt, long scanMillis, long recheckWaitMillis,
                         List<ScanPosition> nodes, Figures figures, List<PendingKey> buffered,
                         List<PendingSuspect> suspects) {
    private static final Pattern CURSOR = Pattern.compile("[0-9]{1,20}");

    public Checkpoint {
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        buffered = buffered == null ? List.of() : List.copyOf(buffered);
        suspects = suspects == null ? List.of() : List.copyOf(suspects);
    }

    /**
     * One node's pass.
     *
     * @param node     host:port
     * @param cursor   the cursor to continue from; "0" when the pass has not begun
     * @param server   the run_id of the server the pass is on; null when it has not begun
     * @param done     the pass is over (complete, or the node was reported as skipped)
     * @param restarts how often the pass began again because another server answered the node
     * @param scanned  keys this node returned so far
     * @param ignored  of those, keys ignored by {@code cache.ignoreKeyPrefixes}
     */
    public record ScanPosition(String node, String cursor, String server, boolean done, int restarts, long scanned,
                               long ignored) {
        static ScanPosition start(String node) {
            return new ScanPosition(node, "0", null, false, 0, 0, 0);
        }

        boolean begun() {
            return server != null;
        }
    }

    /** The tally so far ({@link ShardTally}): counters, per-group figures, findings kept and parts skipped. */
    public record Figures(long scanned, long ignored, long expired, long unmapped, long findingCount,
                          List<String> unmappedSample, List<GroupFigures> groups, List<Finding> findings,
                          List<Skipped> skipped, long notSampled) {
    }

    /**
     * One (tenant, namespace)'s counters and side digests.
     *
     * @param namespace the namespace's index in the contract
     */
    public record GroupFigures(String tenant, int namespace, long consistent, long stale, long orphan, long corrupt,
                               long inFlight, long expired, String cacheSide, String sourceSide, boolean incomplete) {
    }

    /** A routed key: its bytes, the values of the pattern's other placeholders, its node's index. */
    public record PendingKey(String tenant, int namespace, byte[] key, List<String> keyValues, int node) {
    }

    /** A suspect ({@link Rechecker.Suspect}) and whether its versions proved it settled (re-checked at once). */
    public record PendingSuspect(PendingKey key, DriftClass firstClass, byte[] firstCacheDigest,
                                 byte[] firstSourceDigest, boolean rowExisted, Instant observedAt, boolean settled) {
    }

    /**
     * Checks that this checkpoint belongs to the item and the contract it is resumed with; a mismatch is a clear
     * error rather than a wrong count.
     *
     * @param where the checkpoint's location, for the message
     */
    void checkFits(ShardWorkItem item, List<String> itemNodes, int namespaces, String where) {
        String fix = "; continue the item with the checkpoint its last invocation returned, or start the run again";
        if (!item.shardId().equals(shardId)) {
            throw new InvalidInputException("checkpoint: " + where + " belongs to work item '" + shardId + "', not '"
                    + item.shardId() + "'" + fix);
        }
        List<String> mine = nodes.stream().map(ScanPosition::node).toList();
        if (!mine.equals(itemNodes)) {
            throw new InvalidInputException("checkpoint: " + where + " scans nodes " + mine + ", but the item now scans "
                    + itemNodes + " (the cache's topology changed)" + fix);
        }
        for (ScanPosition p : nodes) {
            if (p.cursor() == null || !CURSOR.matcher(p.cursor()).matches() || p.restarts() < 0) {
                throw new InvalidInputException("checkpoint: " + where + " has an invalid position for node " + p.node() + fix);
            }
        }
        java.util.Set<String> tenants = new java.util.HashSet<>(item.tenants());
        java.util.function.Consumer<PendingKey> checkKey = k -> {
            if (k == null || k.key() == null || !tenants.contains(k.tenant()) || k.namespace() < 0
                    || k.namespace() >= namespaces || k.node() < 0 || k.node() >= nodes.size()) {
                throw new InvalidInputException("checkpoint: " + where + " holds a key of another tenant, namespace or node"
                        + " than the item's (the contract or the tenants changed)" + fix);
            }
        };
        buffered.forEach(checkKey);
        for (PendingSuspect s : suspects) {
            checkKey.accept(s.key());
            if (s.firstClass() == null || s.observedAt() == null) {
                throw new InvalidInputException("checkpoint: " + where + " holds a suspect without its first look" + fix);
            }
        }
        if (figures != null) {
            for (GroupFigures g : figures.groups()) {
                if (!tenants.contains(g.tenant()) || g.namespace() < 0 || g.namespace() >= namespaces) {
                    throw new InvalidInputException("checkpoint: " + where + " holds figures of another tenant or namespace"
                            + " than the item's (the contract or the tenants changed)" + fix);
                }
            }
        }
    }
}
