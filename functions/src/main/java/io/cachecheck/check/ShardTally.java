package io.cachecheck.check;

import io.cachecheck.contract.CheckSettings;
import io.cachecheck.contract.Namespace;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Everything a shard result is made of, gathered while the check runs: per (tenant, namespace) counters, findings,
 * skipped parts and unmapped keys. Safe to use from the scanner and the worker threads.
 */
final class ShardTally {
    private final ShardWorkItem item;
    private final List<Namespace> namespaces;
    private final CheckSettings settings;
    private final Clock clock;
    private final Map<Group, GroupStats> stats = new HashMap<>();
    /** Guarded by itself, with {@link #reported}. */
    private final List<Finding> findings = new ArrayList<>();
    /** The keys (as displayed, which is reversible) of the kept findings. */
    private final Set<String> reported = new HashSet<>();
    /** Per node: the keys of the item's tenants counted so far. */
    private final CountedKeys[] counted;
    /** Per node: the keys no namespace claims for a tenant of the item (UNMAPPED) counted so far. */
    private final CountedKeys[] unmappedKeys;
    private final AtomicLong findingCount = new AtomicLong();
    private final List<Skipped> skipped = new CopyOnWriteArrayList<>();
    private final List<String> unmappedSample = new ArrayList<>();
    private final AtomicLong unmapped = new AtomicLong();
    private final AtomicLong expired = new AtomicLong();
    /** Written by the scanning thread only. */
    private long ignored;
    private long scanned;
    private long notSampled;

    /** @param nodes how many nodes the item scans */
    ShardTally(ShardWorkItem item, List<Namespace> namespaces, CheckSettings settings, Clock clock, int nodes) {
        this(item, namespaces, settings, clock, nodes, CountedKeys::new);
    }

    /** @param sets makes each node's fingerprint sets (tests: sets whose fingerprints collide) */
    ShardTally(ShardWorkItem item, List<Namespace> namespaces, CheckSettings settings, Clock clock, int nodes,
               Supplier<CountedKeys> sets) {
        this.item = item;
        this.namespaces = namespaces;
        this.settings = settings;
        this.clock = clock;
        this.counted = new CountedKeys[nodes];
        this.unmappedKeys = new CountedKeys[nodes];
        for (int n = 0; n < nodes; n++) {
            counted[n] = sets.get();
            unmappedKeys[n] = sets.get();
        }
        for (int n = 0; n < namespaces.size(); n++) {
            for (String tenant : item.tenants()) {
                stats.put(new Group(tenant, n), new GroupStats());
            }
        }
    }

    GroupStats stats(Group group) {
        return stats.get(group);
    }

    /*
     * How keys are counted (docs/contract.md, "How keys are counted"). SCAN may return a key twice, and a scan
     * restarted from cursor 0 returns every key again, so each look at a key is checked against the node's
     * CountedKeys first. A key is counted once: by its first counted look, except that a key first counted
     * CONSISTENT or expired and later seen to differ moves to the class it differs in (a finding is never
     * withdrawn). Distinct keys with the same fingerprint are still checked and reported: a finding is dropped as a
     * repeat only when a finding for the same key bytes was already reported. At worst, a collision takes one key
     * out of the counts.
     */

    /** A key that agrees with its row, at its re-check. */
    void consistent(Group group, ScannedKey key, Outcome outcome) {
        consistent(group, List.of(key), List.of(outcome));
    }

    /**
     * Keys of one group that agree with their rows, at their first look. The hashing and the digest items are
     * computed outside the lock, which is taken once per node of the batch rather than once per key.
     */
    void consistent(Group group, List<ScannedKey> keys, List<Outcome> outcomes) {
        int n = keys.size();
        GroupStats st = stats.get(group);
        long[] fps = new long[n];
        GroupStats.Items[] items = new GroupStats.Items[n];
        for (int i = 0; i < n; i++) {
            ScannedKey key = keys.get(i);
            fps[i] = counted[key.node()].fingerprint(key.key());
            items[i] = GroupStats.items(outcomes.get(i), key.key());
        }
        boolean[] first = new boolean[n];
        int from = 0;
        while (from < n) {
            int node = keys.get(from).node();
            int to = from + 1;
            while (to < n && keys.get(to).node() == node) {
                to++;
            }
            CountedKeys set = counted[node];
            synchronized (set) {
                for (int i = from; i < to; i++) {
                    int before = set.state(fps[i]);
                    if (before == CountedKeys.NONE || before == CountedKeys.EXPIRED) {
                        set.put(fps[i], CountedKeys.CONSISTENT);
                        if (before == CountedKeys.EXPIRED) {
                            uncountExpired(st); // the key is back: its later look counts
                        }
                        st.count(DriftClass.CONSISTENT);
                        first[i] = true;
                    }
                }
            }
            from = to;
        }
        for (int i = 0; i < n; i++) {
            if (first[i]) {
                st.add(items[i]); // once per key; no later look changes a key's digest items
            }
        }
    }

    /** A key gone between the scan and the read: not drift, not checked. */
    void expired(Group group, ScannedKey key) {
        CountedKeys keys = counted[key.node()];
        long fp = keys.fingerprint(key.key());
        synchronized (keys) {
            if (keys.state(fp) == CountedKeys.NONE) {
                keys.put(fp, CountedKeys.EXPIRED);
                expired.incrementAndGet();
                stats.get(group).expired.incrementAndGet();
            }
        }
    }

    /** A key that still differs at its second look: counted in its class and reported, once. */
    void differs(Group group, ScannedKey key, Outcome outcome, Finding finding) {
        GroupStats st = stats.get(group);
        GroupStats.Items items = GroupStats.items(outcome, key.key());
        CountedKeys keys = counted[key.node()];
        long fp = keys.fingerprint(key.key());
        synchronized (keys) {
            int before = keys.state(fp);
            if (before == CountedKeys.FINDING && reportedBefore(finding.key())) {
                return;
            }
            keys.put(fp, CountedKeys.FINDING);
            if (before == CountedKeys.CONSISTENT) {
                // counted CONSISTENT before (the digests keep that look); it differs now
                st.uncount(DriftClass.CONSISTENT);
                st.count(outcome.driftClass);
            } else {
                if (before == CountedKeys.EXPIRED) {
                    uncountExpired(st);
                }
                st.record(outcome.driftClass, items);
            }
            addFinding(finding);
        }
    }

    /** A key of a group whose value the source refused for its column: UNMAPPED, once. */
    void rejected(Group group, ScannedKey key, String reason) {
        String display = KeyText.display(key.key());
        CountedKeys keys = counted[key.node()];
        long fp = keys.fingerprint(key.key());
        synchronized (keys) {
            int before = keys.state(fp);
            if (before == CountedKeys.FINDING && reportedBefore(display)) {
                return;
            }
            keys.put(fp, CountedKeys.FINDING);
            if (before == CountedKeys.CONSISTENT) {
                stats.get(group).uncount(DriftClass.CONSISTENT);
            } else if (before == CountedKeys.EXPIRED) {
                uncountExpired(stats.get(group));
            }
            countUnmapped(display, group.tenant(), namespaces.get(group.namespace()).name(), reason);
        }
    }

    /** A key that no namespace claims for a tenant of the item, scanned on node {@code node}: UNMAPPED, once. */
    void unmapped(int node, byte[] key, String tenant, String reason) {
        String display = KeyText.display(key);
        CountedKeys keys = unmappedKeys[node];
        long fp = keys.fingerprint(key);
        synchronized (keys) {
            if (keys.state(fp) == CountedKeys.FINDING && reportedBefore(display)) {
                return;
            }
            keys.put(fp, CountedKeys.FINDING);
            countUnmapped(display, tenant, null, reason);
        }
    }

    private void countUnmapped(String display, String tenant, String namespace, String reason) {
        unmapped.incrementAndGet();
        synchronized (unmappedSample) {
            if (unmappedSample.size() < settings.unmappedSampleSize()) {
                unmappedSample.add(display);
            }
        }
        addFinding(new Finding(tenant, namespace, display, DriftClass.UNMAPPED, reason, List.of(), null, null, null, null, null,
                clock.instant()));
    }

    private void uncountExpired(GroupStats st) {
        st.uncountExpired();
        GroupStats.decrement(expired);
    }

    private void addFinding(Finding f) {
        synchronized (findings) {
            if (findingCount.incrementAndGet() <= settings.maxFindings()) {
                findings.add(f);
                reported.add(f.key());
            }
        }
    }

    /**
     * Whether a finding for these key bytes was reported already. Past {@code check.maxFindings} nothing more is
     * kept, so a repeat cannot be told from a distinct key there: it is taken as a repeat.
     */
    private boolean reportedBefore(String displayKey) {
        synchronized (findings) {
            return reported.contains(displayKey) || findingCount.get() > settings.maxFindings();
        }
    }

    void ignored() {
        ignored++;
    }

    long ignoredCount() {
        return ignored;
    }

    /** A scanned key left out of the sample. */
    void notSampled() {
        notSampled++;
    }

    void scanned(int keys) {
        scanned += keys;
    }

    long scannedCount() {
        return scanned;
    }

    /** Marks a node's part of every tenant and namespace of the item as not checked (INCOMPLETE), saying why. */
    void skipScope(String node, String reason) {
        if (item.tenants().isEmpty()) {
            skipped.add(new Skipped(null, null, node, 0, reason));
        }
        for (String tenant : item.tenants()) {
            skipped.add(new Skipped(tenant, null, node, 0, reason));
            for (int n = 0; n < namespaces.size(); n++) {
                stats.get(new Group(tenant, n)).incomplete = true;
            }
        }
    }

    /** Marks keys of one tenant and namespace as not checked (the verdict becomes INCOMPLETE), saying why. */
    void skipGroup(Group group, int keys, String reason) {
        stats.get(group).incomplete = true;
        skipped.add(new Skipped(group.tenant(), namespaces.get(group.namespace()).name(), null, keys, reason));
    }

    /**
     * The figures so far, for a checkpoint. Called when no batch is running (the scan paused and every submitted
     * batch finished), so the counters and lists are at rest.
     */
    Checkpoint.Figures figures() {
        List<Checkpoint.GroupFigures> groups = new ArrayList<>();
        for (String tenant : item.tenants()) {
            for (int n = 0; n < namespaces.size(); n++) {
                Group g = new Group(tenant, n);
                groups.add(stats.get(g).figures(g));
            }
        }
        synchronized (findings) {
            synchronized (unmappedSample) {
                return new Checkpoint.Figures(scanned, ignored, expired.get(), unmapped.get(), findingCount.get(),
                        List.copyOf(unmappedSample), groups, List.copyOf(findings), List.copyOf(skipped), notSampled);
            }
        }
    }

    /**
     * Goes on from a checkpoint's figures. The keys counted before it are not in the fingerprint sets: the scan goes
     * on past them, so they are not returned again (docs/scale.md, "Resumable work items", says when SCAN may
     * still return one twice).
     */
    void restore(Checkpoint.Figures f) {
        scanned = f.scanned();
        ignored = f.ignored();
        notSampled = f.notSampled();
        expired.set(f.expired());
        unmapped.set(f.unmapped());
        findingCount.set(f.findingCount());
        synchronized (findings) {
            findings.addAll(f.findings());
            f.findings().forEach(x -> reported.add(x.key()));
        }
        synchronized (unmappedSample) {
            unmappedSample.addAll(f.unmappedSample());
        }
        skipped.addAll(f.skipped());
        for (Checkpoint.GroupFigures g : f.groups()) {
            stats.get(new Group(g.tenant(), g.namespace())).restore(g);
        }
    }

    ShardResult result(Instant startedAt, long scanMillis, long recheckWaitMillis) {
        Map<DriftClass, Long> counts = new EnumMap<>(DriftClass.class);
        for (DriftClass c : DriftClass.values()) {
            counts.put(c, 0L);
        }
        List<TenantNamespaceResult> results = new ArrayList<>();
        for (String tenant : item.tenants()) {
            for (int n = 0; n < namespaces.size(); n++) {
                GroupStats st = stats.get(new Group(tenant, n));
                TenantNamespaceResult r = st.result(tenant, namespaces.get(n).name());
                results.add(r);
                counts.merge(DriftClass.CONSISTENT, r.consistent(), Long::sum);
                counts.merge(DriftClass.STALE, r.stale(), Long::sum);
                counts.merge(DriftClass.ORPHAN, r.orphan(), Long::sum);
                counts.merge(DriftClass.CORRUPT, r.corrupt(), Long::sum);
                counts.merge(DriftClass.IN_FLIGHT, r.inFlight(), Long::sum);
            }
        }
        counts.put(DriftClass.UNMAPPED, unmapped.get());
        Verdict verdict;
        if (!skipped.isEmpty()) {
            verdict = Verdict.INCOMPLETE;
        } else if (counts.get(DriftClass.STALE) + counts.get(DriftClass.ORPHAN) + counts.get(DriftClass.CORRUPT)
                + counts.get(DriftClass.UNMAPPED) > 0) {
            verdict = Verdict.DRIFT;
        } else {
            verdict = item.optionsOrNone().sampled() ? Verdict.SAMPLED : Verdict.CONSISTENT;
        }
        List<Finding> sorted;
        synchronized (findings) {
            sorted = new ArrayList<>(findings);
        }
        sorted.sort(Comparator.comparing((Finding f) -> String.valueOf(f.tenant()))
                .thenComparing(f -> String.valueOf(f.namespace())).thenComparing(Finding::key));
        Instant finishedAt = clock.instant();
        return new ShardResult(item.shardId(), verdict, startedAt, finishedAt,
                new ShardResult.Timings(Duration.between(startedAt, finishedAt).toMillis(), scanMillis, recheckWaitMillis),
                scanned, ignored, counts, expired.get(), List.copyOf(unmappedSample), results, sorted,
                findingCount.get() > settings.maxFindings(), List.copyOf(skipped),
                item.optionsOrNone().sampled() ? new ShardResult.Sampling(item.optionsOrNone().sample(), notSampled) : null);
    }
}
