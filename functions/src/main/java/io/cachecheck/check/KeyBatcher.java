package io.cachecheck.check;

import io.cachecheck.contract.CheckSettings;
import io.cachecheck.contract.Contract;
import io.cachecheck.source.JdbcSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Holds routed keys per (tenant, namespace) until a batch is full, then hands it to a worker for its
 * {@link FirstLook}. At most {@code check.maxBufferedKeys} keys wait: this, not the keyspace, bounds the batches'
 * memory. Used by the scanning thread only.
 */
final class KeyBatcher {
    /** A group under half a batch (250 keys by default) is small: it may share a lookup with others. */
    static final int SMALL_GROUP_DIVISOR = 2;

    /**
     * A group of a namespace whose batches may be read as key ranges holds up to this many batches of keys before it
     * is sent, sorted by key and cut into batches: SCAN returns keys in hash order, so a batch of the first 500 keys
     * of a tenant is spread over all its ids, while 500 neighbours in key order are dense enough for one range read
     * (docs/performance.md, "Range reads"). The key buffer's cap ({@code check.maxBufferedKeys}) still bounds memory.
     * It is 1 (a group goes at one batch, as for any namespace): 16 measured 54% less database CPU when the buffer
     * held the whole keyspace, but 8 to 15% more wall time at the default buffer of 100,000 keys, where only the
     * small tenants' groups become dense.
     */
    static final int RANGE_GROUP_BATCHES = 1;

    private final CheckSettings settings;
    private final BatchTasks tasks;
    private final FirstLook firstLook;
    /** Per namespace: whether small groups can share one lookup ({@link JdbcSource#canCombine}). */
    private final boolean[] combinable;
    /** Per namespace: keys per batch (fewer for a collection, {@link CheckSettings#batchSize(io.cachecheck.contract.ValueType)}). */
    private final int[] batchSizes;
    /** Per namespace: keys a group holds before it is sent (more than a batch when its batches may be ranges). */
    private final int[] groupSizes;
    /** Per namespace: whether a group is sorted by key before it is cut into batches ({@link JdbcSource#rangeReadable}). */
    private final boolean[] sorted;
    private final Map<Group, List<ScannedKey>> pending = new HashMap<>();
    private long buffered;

    KeyBatcher(RunContext run, FirstLook firstLook) {
        this.settings = run.settings();
        this.tasks = run.tasks();
        this.firstLook = firstLook;
        Contract contract = run.contract();
        this.combinable = new boolean[contract.namespaces().size()];
        this.batchSizes = new int[combinable.length];
        this.groupSizes = new int[combinable.length];
        this.sorted = new boolean[combinable.length];
        for (int n = 0; n < combinable.length; n++) {
            batchSizes[n] = settings.batchSize(contract.namespaces().get(n).valueType());
            sorted[n] = JdbcSource.rangeReadable(contract.namespaces().get(n), contract.tenants().placeholder());
            groupSizes[n] = sorted[n] ? (int) Math.min(Integer.MAX_VALUE, (long) batchSizes[n] * RANGE_GROUP_BATCHES) : batchSizes[n];
            // With few tenants, partial groups are few and sharing lookups measured 5-10% slower (more custom
            // planning of the combined statements); with thousands it is 25-40% faster (docs/performance.md).
            combinable[n] = run.item().tenants().size() >= settings.combineMinTenants()
                    && JdbcSource.canCombine(contract.source(), contract.namespaces().get(n), contract.tenants().placeholder());
        }
    }

    /** Adds a routed key; a full batch goes to a worker at once. */
    void add(Group group, ScannedKey key) {
        List<ScannedKey> keys = pending.computeIfAbsent(group, g -> new ArrayList<>());
        keys.add(key);
        buffered++;
        if (keys.size() >= groupSizes[group.namespace()]) {
            pending.remove(group);
            buffered -= keys.size();
            submitGroup(group, keys);
        }
    }

    /** After each SCAN page: past the memory cap, sends the fullest groups. */
    void afterPage() {
        if (buffered > settings.maxBufferedKeys()) {
            flushLargest();
        }
    }

    /**
     * Memory cap reached: sends the fullest groups until half the cap is free. Small groups stay and keep filling,
     * so a tenant with few keys is looked up in one query at the end instead of in a handful of tiny ones at
     * every overflow (with 10,000 tenants, flushing every group at each overflow made most queries a few keys
     * long, docs/performance.md).
     */
    private void flushLargest() {
        List<Map.Entry<Group, List<ScannedKey>>> groups = new ArrayList<>(pending.entrySet());
        groups.sort((a, b) -> Integer.compare(b.getValue().size(), a.getValue().size()));
        long target = settings.maxBufferedKeys() / 2;
        List<Map.Entry<Group, List<ScannedKey>>> out = new ArrayList<>();
        for (Map.Entry<Group, List<ScannedKey>> e : groups) {
            if (buffered <= target) {
                break;
            }
            pending.remove(e.getKey());
            buffered -= e.getValue().size();
            out.add(e);
        }
        send(out);
    }

    /** At the end of the scan: sends every partial batch. */
    void flushAll() {
        List<Map.Entry<Group, List<ScannedKey>>> groups = new ArrayList<>(pending.entrySet());
        pending.clear();
        buffered = 0;
        send(groups);
    }

    /**
     * At a checkpoint: hands over every key still waiting for its batch, without looking at it; the continuation
     * adds them again ({@link #add}).
     */
    List<Checkpoint.PendingKey> drain() {
        List<Checkpoint.PendingKey> out = new ArrayList<>();
        for (Map.Entry<Group, List<ScannedKey>> e : pending.entrySet()) {
            for (ScannedKey k : e.getValue()) {
                out.add(pendingKey(e.getKey(), k));
            }
        }
        pending.clear();
        buffered = 0;
        return out;
    }

    static Checkpoint.PendingKey pendingKey(Group group, ScannedKey key) {
        return new Checkpoint.PendingKey(group.tenant(), group.namespace(), key.key(), List.of(key.keyValues()), key.node());
    }

    static ScannedKey scannedKey(Checkpoint.PendingKey key) {
        return new ScannedKey(key.key(), key.keyValues() == null ? new String[0] : key.keyValues().toArray(String[]::new),
                key.node());
    }

    /**
     * Submits partial batches. On PostgreSQL, in a work item of at least {@code check.combineMinTenants}
     * tenants, groups under half a batch are combined per namespace (up to a
     * batch of keys, at most {@link JdbcSource#MAX_PARTS} groups): one cache read and one statement for all of
     * them, because with many small tenants the cost is per lookup, not per key (docs/performance.md).
     */
    private void send(List<Map.Entry<Group, List<ScannedKey>>> groups) {
        Map<Integer, List<Map.Entry<Group, List<ScannedKey>>>> small = new HashMap<>();
        for (Map.Entry<Group, List<ScannedKey>> e : groups) {
            Group group = e.getKey();
            List<ScannedKey> keys = e.getValue();
            if (keys.size() * SMALL_GROUP_DIVISOR < settings.batchSize() && combinable[group.namespace()]) {
                small.computeIfAbsent(group.namespace(), n -> new ArrayList<>()).add(e);
            } else {
                submitGroup(group, keys);
            }
        }
        for (List<Map.Entry<Group, List<ScannedKey>>> list : small.values()) {
            List<Map.Entry<Group, List<ScannedKey>>> parts = new ArrayList<>();
            int keys = 0;
            for (Map.Entry<Group, List<ScannedKey>> e : list) {
                parts.add(e);
                keys += e.getValue().size();
                if (keys >= settings.batchSize() || parts.size() == JdbcSource.MAX_PARTS) {
                    submitParts(parts);
                    parts = new ArrayList<>();
                    keys = 0;
                }
            }
            if (!parts.isEmpty()) {
                submitParts(parts);
            }
        }
    }

    /** Submits a group's keys: as one batch, or sorted by key and cut into batches ({@link #RANGE_GROUP_BATCHES}). */
    private void submitGroup(Group group, List<ScannedKey> keys) {
        int batch = batchSizes[group.namespace()];
        if (!sorted[group.namespace()] || keys.size() <= batch) {
            tasks.submit(() -> firstLook.check(group, keys));
            return;
        }
        List<ScannedKey> ordered = KeyOrder.sorted(keys);
        for (int from = 0; from < ordered.size(); from += batch) {
            List<ScannedKey> chunk = ordered.subList(from, Math.min(ordered.size(), from + batch));
            tasks.submit(() -> firstLook.check(group, chunk));
        }
    }

    private void submitParts(List<Map.Entry<Group, List<ScannedKey>>> parts) {
        if (parts.size() == 1) {
            Group group = parts.get(0).getKey();
            List<ScannedKey> keys = parts.get(0).getValue();
            tasks.submit(() -> firstLook.check(group, keys));
        } else {
            tasks.submit(() -> firstLook.checkParts(parts));
        }
    }
}
