package io.cachecheck.report;

import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Finding;
import io.cachecheck.check.ShardResult;
import io.cachecheck.check.Skipped;
import io.cachecheck.check.TenantNamespaceResult;
import io.cachecheck.check.Verdict;
import io.cachecheck.redact.KeyRedactor;
import io.cachecheck.store.ObjectStore;
import io.cachecheck.workflow.RunIds;
import io.cachecheck.workflow.ShardSummary;
import io.cachecheck.workflow.StoredShardResult;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Generated shard results for a large run, stored as ValidateShard stores them, so that Aggregate builds the audit
 * log, baseline and report from them exactly as in a real run. Every 20th tenant has drift (more in later runs, so
 * the trend moves), the last shard skips one tenant's namespace, and one tenant id and one key are HTML.
 */
public final class SyntheticRun {
    public static final List<String> NAMESPACES = List.of("orders", "profiles", "carts");
    public static final String HOSTILE_TENANT = "<script>alert('tenant')</script>";
    public static final String HOSTILE_KEY = "syn:t:t00007:order:<img src=x onerror=alert(1)>";
    public static final int SHARD_SIZE = 1000;

    private SyntheticRun() {
    }

    public static String tenant(int i) {
        return i == 7 ? HOSTILE_TENANT : String.format("t%05d", i);
    }

    public static List<String> tenants(int count) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(tenant(i));
        }
        return out;
    }

    /**
     * Writes the shard results of run {@code runId} and returns the Map state's output for Aggregate.
     *
     * @param generation 0, 1, 2...: later generations have more drift
     */
    public static List<ShardSummary> store(ObjectStore store, String runId, int tenantCount, int generation,
                                           KeyRedactor redactor) {
        Instant at = Instant.parse("2026-12-01T10:00:00Z").plusSeconds(3600L * generation);
        List<ShardSummary> summaries = new ArrayList<>();
        int shards = (tenantCount + SHARD_SIZE - 1) / SHARD_SIZE;
        for (int s = 0; s < shards; s++) {
            String shardId = "shard-" + s;
            List<TenantNamespaceResult> results = new ArrayList<>();
            List<Finding> findings = new ArrayList<>();
            List<Skipped> skipped = new ArrayList<>();
            Map<DriftClass, Long> counts = new EnumMap<>(DriftClass.class);
            for (DriftClass c : DriftClass.values()) {
                counts.put(c, 0L);
            }
            List<String> shardTenants = new ArrayList<>();
            for (int i = s * SHARD_SIZE; i < Math.min(tenantCount, (s + 1) * SHARD_SIZE); i++) {
                String tenant = tenant(i);
                shardTenants.add(tenant);
                for (int n = 0; n < NAMESPACES.size(); n++) {
                    String ns = NAMESPACES.get(n);
                    long checked = 20 + (i % 7) * 10L;
                    long stale = 0;
                    long orphan = 0;
                    if (i % 20 == 7 && n == 0) {
                        stale = 1 + (i / 20) % 3 + generation;
                        orphan = i % 40 == 7 ? 1 : 0;
                    }
                    boolean complete = !(s == shards - 1 && i == tenantCount - 1 && n == 2);
                    for (int k = 0; k < stale; k++) {
                        String key = i == 7 && k == 0 ? HOSTILE_KEY : "syn:t:" + tenant + ":order:" + k;
                        findings.add(new Finding(tenant, ns, key, DriftClass.STALE, "fields-differ", List.of("status"),
                                "c".repeat(64), "d".repeat(64), "e".repeat(64), null, null, at));
                    }
                    for (int k = 0; k < orphan; k++) {
                        findings.add(new Finding(tenant, ns, "syn:t:" + tenant + ":order:9" + k, DriftClass.ORPHAN,
                                "row-missing", List.of(), "c".repeat(64), null, "e".repeat(64), null, null, at));
                    }
                    long consistent = checked - stale - orphan;
                    counts.merge(DriftClass.CONSISTENT, consistent, Long::sum);
                    counts.merge(DriftClass.STALE, stale, Long::sum);
                    counts.merge(DriftClass.ORPHAN, orphan, Long::sum);
                    results.add(new TenantNamespaceResult(tenant, ns, checked, consistent, stale, orphan, 0, 0, 0,
                            1.0 - (double) (stale + orphan) / checked, "a".repeat(64), "b".repeat(64), complete));
                    if (!complete) {
                        skipped.add(new Skipped(tenant, ns, "127.0.0.1:6390", 12, "cache-unavailable"));
                    }
                }
            }
            long checked = results.stream().mapToLong(TenantNamespaceResult::keysChecked).sum();
            Verdict verdict = !skipped.isEmpty() ? Verdict.INCOMPLETE : findings.isEmpty() ? Verdict.CONSISTENT : Verdict.DRIFT;
            ShardResult result = new ShardResult(shardId, verdict, at, at.plusSeconds(5), new ShardResult.Timings(5000, 1000, 0),
                    checked, 0, counts, 0, List.of(), results, findings, false, skipped);
            String ref = RunIds.shardKey(runId, shardId);
            store.put(ref, StoredShardResult.of(result, redactor).toJson(), "application/json");
            summaries.add(new ShardSummary(shardId, verdict, counts, checked, checked, skipped.size(), findings.size(), ref,
                    5000, shardTenants, null, null));
        }
        return summaries;
    }

    public static Instant startedAt(int generation) {
        return Instant.parse("2026-12-01T10:00:00Z").plusSeconds(3600L * generation);
    }
}
