package io.cachecheck.check;

import io.cachecheck.contract.CheckSettings;
import io.cachecheck.contract.Namespace;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

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
    private final List<Finding> findings = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong findingCount = new AtomicLong();
    private final List<Skipped> skipped = new CopyOnWriteArrayList<>();
    private final List<String> unmappedSample = new ArrayList<>();
    private final AtomicLong unmapped = new AtomicLong();
    private final AtomicLong expired = new AtomicLong();
    /** Written by the scanning thread only. */
    private long ignored;
    private long scanned;

    ShardTally(ShardWorkItem item, List<Namespace> namespaces, CheckSettings settings, Clock clock) {
        this.item = item;
        this.namespaces = namespaces;
        this.settings = settings;
        this.clock = clock;
        for (int n = 0; n < namespaces.size(); n++) {
            for (String tenant : item.tenants()) {
                stats.put(new Group(tenant, n), new GroupStats());
            }
        }
    }

    GroupStats stats(Group group) {
        return stats.get(group);
    }

    /** A key counted once in its final class. */
    void record(Group group, Outcome outcome, byte[] key) {
        stats.get(group).record(outcome, key);
    }

    /** A key gone between the scan and the read: not drift, not checked. */
    void expired(Group group) {
        expired.incrementAndGet();
        stats.get(group).expired.incrementAndGet();
    }

    void addFinding(Finding f) {
        if (findingCount.incrementAndGet() <= settings.maxFindings()) {
            findings.add(f);
        }
    }

    void unmapped(byte[] key, String tenant, String namespace, String reason) {
        unmapped.incrementAndGet();
        String display = KeyText.display(key);
        synchronized (unmappedSample) {
            if (unmappedSample.size() < settings.unmappedSampleSize()) {
                unmappedSample.add(display);
            }
        }
        addFinding(new Finding(tenant, namespace, display, DriftClass.UNMAPPED, reason, List.of(), null, null, null, null, null,
                clock.instant()));
    }

    void ignored() {
        ignored++;
    }

    long ignoredCount() {
        return ignored;
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
            verdict = Verdict.CONSISTENT;
        }
        List<Finding> sorted = new ArrayList<>(findings);
        sorted.sort(Comparator.comparing((Finding f) -> String.valueOf(f.tenant()))
                .thenComparing(f -> String.valueOf(f.namespace())).thenComparing(Finding::key));
        Instant finishedAt = clock.instant();
        return new ShardResult(item.shardId(), verdict, startedAt, finishedAt,
                new ShardResult.Timings(Duration.between(startedAt, finishedAt).toMillis(), scanMillis, recheckWaitMillis),
                scanned, ignored, counts, expired.get(), List.copyOf(unmappedSample), results, sorted,
                findingCount.get() > settings.maxFindings(), List.copyOf(skipped));
    }
}
