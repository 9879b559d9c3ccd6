package io.cachecheck.audit;

import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Finding;
import io.cachecheck.check.ShardResult;
import io.cachecheck.check.Skipped;
import io.cachecheck.check.TenantNamespaceResult;
import io.cachecheck.check.Verdict;
import io.cachecheck.sample.DriftEstimate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Merges shard outcomes into an {@link AuditLog} (without gate, comparison and remediation, which Aggregate adds;
 * keys as in the outcomes, so redact them first). A failed shard becomes an INCOMPLETE shard whose tenants are
 * INCOMPLETE, so a run is never CONSISTENT unless every shard finished.
 */
public final class AuditLogBuilder {
    static final int WORST_TENANTS = 5;

    private AuditLogBuilder() {
    }

    /**
     * @param tenantsInScope the tenants the run was asked to check, in discovery order
     * @param steps          the steps before aggregation; one {@code validate-shard} step per shard is added
     */
    public static AuditLog build(String runId, Trigger trigger, Instant startedAt, Instant finishedAt,
                                 List<String> tenantsInScope, List<AuditStep> steps, List<ShardOutcome> outcomes) {
        Map<String, Map<String, TenantNamespaceResult>> byTenant = new LinkedHashMap<>();
        Map<String, String> incompleteTenants = new LinkedHashMap<>();
        Set<String> tenants = new LinkedHashSet<>(tenantsInScope);
        List<ShardReport> shards = new ArrayList<>();
        List<AuditStep> allSteps = new ArrayList<>(steps);
        List<Finding> findings = new ArrayList<>();
        List<String> unmappedSample = new ArrayList<>();
        Map<DriftClass, Long> counts = zeroCounts();
        boolean truncated = false;
        long keysScanned = 0;
        Verdict verdict = Verdict.CONSISTENT;
        int incompleteShards = 0;

        for (ShardOutcome outcome : outcomes) {
            tenants.addAll(outcome.tenants() == null ? List.of() : outcome.tenants());
            ShardResult r = outcome.result();
            if (r == null) {
                verdict = Verdict.INCOMPLETE;
                incompleteShards++;
                for (String t : outcome.tenants()) {
                    incompleteTenants.putIfAbsent(t, "shard " + outcome.shardId() + " failed: " + outcome.error());
                }
                shards.add(new ShardReport(outcome.shardId(), Verdict.INCOMPLETE, outcome.tenants(), 0, 0, 0, 0,
                        zeroCounts(), List.of(new Skipped(null, null, null, 0, "shard-failed: " + outcome.error())),
                        null, outcome.error(), outcome.cause()));
                allSteps.add(new AuditStep("validate-shard", "failed", 0,
                        details("shardId", outcome.shardId(), "error", outcome.error())));
                continue;
            }
            verdict = verdict.and(r.verdict());
            if (r.verdict() == Verdict.INCOMPLETE) {
                incompleteShards++;
            }
            keysScanned += r.keysScanned();
            r.counts().forEach((c, n) -> counts.merge(c, n, Long::sum));
            for (TenantNamespaceResult tn : r.results()) {
                byTenant.computeIfAbsent(tn.tenant(), t -> new LinkedHashMap<>()).merge(tn.namespace(), tn, AuditLogBuilder::merge);
            }
            for (Skipped s : r.skipped()) {
                if (s.tenant() != null) {
                    incompleteTenants.putIfAbsent(s.tenant(), s.reason());
                }
            }
            findings.addAll(r.findings());
            truncated |= r.findingsTruncated();
            for (String key : r.unmappedSample()) {
                if (unmappedSample.size() < 20 && !unmappedSample.contains(key)) {
                    unmappedSample.add(key);
                }
            }
            shards.add(new ShardReport(r.shardId(), r.verdict(), List.copyOf(outcome.tenants()), r.timings().totalMillis(),
                    r.keysScanned(), r.keysIgnored(), r.keysChecked(), r.counts(), r.skipped(), outcome.resultRef(), null, null,
                    r.cell()));
            allSteps.add(new AuditStep("validate-shard", r.verdict() == Verdict.INCOMPLETE ? "incomplete" : "succeeded",
                    r.timings().totalMillis(), details("shardId", r.shardId(), "verdict", r.verdict().name(),
                    "keysScanned", r.keysScanned(), "skipped", r.skipped().size())));
        }

        List<TenantReport> tenantReports = new ArrayList<>();
        for (String tenant : tenants) {
            List<TenantNamespaceResult> namespaces = new ArrayList<>(byTenant.getOrDefault(tenant, Map.of()).values());
            tenantReports.add(tenantReport(tenant, namespaces, incompleteTenants.get(tenant)));
        }
        List<NamespaceReport> namespaceReports = namespaceReports(byTenant, findings);

        long unmapped = counts.get(DriftClass.UNMAPPED);
        long keysChecked = tenantReports.stream().mapToLong(TenantReport::keysChecked).sum() + unmapped;
        long drifted = counts.get(DriftClass.STALE) + counts.get(DriftClass.ORPHAN) + counts.get(DriftClass.CORRUPT) + unmapped;
        if (verdict != Verdict.INCOMPLETE && tenantReports.stream().anyMatch(t -> t.verdict() == Verdict.INCOMPLETE)) {
            verdict = Verdict.INCOMPLETE;
        }
        boolean sampled = trigger != null && trigger.sampled();
        if (sampled) {
            // a sample proves nothing about the keys outside it
            verdict = verdict.and(Verdict.SAMPLED);
            tenantReports = tenantReports.stream().map(t -> t.verdict() != Verdict.CONSISTENT ? t
                    : new TenantReport(t.tenant(), Verdict.SAMPLED, t.keysChecked(), t.stale(), t.orphan(), t.corrupt(),
                    t.inFlight(), t.score(), t.namespaces(), t.note())).toList();
        }
        List<RunSummary.TenantScore> worst = tenantReports.stream()
                .filter(t -> t.drifted() > 0)
                .sorted(Comparator.comparingDouble(TenantReport::score)
                        .thenComparing(Comparator.comparingLong(TenantReport::drifted).reversed())
                        .thenComparing(TenantReport::tenant))
                .limit(WORST_TENANTS)
                .map(t -> new RunSummary.TenantScore(t.tenant(), t.score(), t.drifted(), t.keysChecked()))
                .toList();
        RunSummary summary = new RunSummary(verdict, tenants.size(),
                (int) tenantReports.stream().filter(t -> t.verdict() != Verdict.INCOMPLETE).count(),
                (int) tenantReports.stream().filter(t -> t.drifted() > 0).count(),
                keysScanned, keysChecked, drifted, counts, score(drifted, keysChecked),
                keysChecked == 0 ? 0 : (double) drifted / keysChecked, worst, outcomes.size(), incompleteShards, 0, 0, 0, 0, 0);
        findings.sort(Comparator.comparing((Finding f) -> String.valueOf(f.tenant()))
                .thenComparing(f -> String.valueOf(f.namespace())).thenComparing(Finding::key));
        SamplingReport sampling = sampled ? sampling(trigger.sample(), outcomes, tenantReports, namespaceReports,
                drifted, keysChecked) : null;
        return new AuditLog(AuditLog.SCHEMA_VERSION, runId, trigger, startedAt, finishedAt, "plain", summary, null,
                allSteps, tenantReports, namespaceReports, shards, findings, truncated, unmappedSample, null, null, sampling);
    }

    /** The estimates of a sampled run: overall, per tenant, per namespace and per tenant and namespace. */
    static SamplingReport sampling(double fraction, List<ShardOutcome> outcomes, List<TenantReport> tenants,
                                   List<NamespaceReport> namespaces, long drifted, long keysChecked) {
        long notSampled = 0;
        for (ShardOutcome o : outcomes) {
            if (o.result() != null && o.result().sampling() != null) {
                notSampled += o.result().sampling().keysNotSampled();
            }
        }
        List<SamplingReport.Estimate> perTenant = new ArrayList<>();
        List<SamplingReport.Estimate> perGroup = new ArrayList<>();
        for (TenantReport t : tenants) {
            perTenant.add(new SamplingReport.Estimate(t.tenant(), null, DriftEstimate.wilson(t.drifted(), t.keysChecked())));
            for (TenantNamespaceResult r : t.namespaces()) {
                perGroup.add(new SamplingReport.Estimate(t.tenant(), r.namespace(), DriftEstimate.wilson(r.drifted(), r.keysChecked())));
            }
        }
        List<SamplingReport.Estimate> perNamespace = namespaces.stream().map(n -> new SamplingReport.Estimate(null,
                n.namespace(), DriftEstimate.wilson(n.stale() + n.orphan() + n.corrupt(), n.keysChecked()))).toList();
        DriftEstimate overall = DriftEstimate.wilson(drifted, keysChecked);
        return new SamplingReport(fraction, SamplingReport.SELECTION, notSampled, overall, overall.high(), perTenant,
                perNamespace, perGroup);
    }

    /** 100 × (1 − drifted / checked), rounded to 2 decimals; 100 when nothing was checked. */
    public static double score(long drifted, long checked) {
        if (checked == 0) {
            return 100.0;
        }
        return Math.round(10_000.0 * (1.0 - (double) drifted / checked)) / 100.0;
    }

    private static TenantReport tenantReport(String tenant, List<TenantNamespaceResult> namespaces, String note) {
        long checked = 0, stale = 0, orphan = 0, corrupt = 0, inFlight = 0;
        boolean complete = note == null && !namespaces.isEmpty();
        for (TenantNamespaceResult r : namespaces) {
            checked += r.keysChecked();
            stale += r.stale();
            orphan += r.orphan();
            corrupt += r.corrupt();
            inFlight += r.inFlight();
            complete &= r.complete();
        }
        if (!complete && note == null) {
            note = namespaces.isEmpty() ? "not checked by any shard" : "part of the tenant was skipped";
        }
        Verdict verdict = !complete ? Verdict.INCOMPLETE : stale + orphan + corrupt > 0 ? Verdict.DRIFT : Verdict.CONSISTENT;
        return new TenantReport(tenant, verdict, checked, stale, orphan, corrupt, inFlight,
                score(stale + orphan + corrupt, checked), namespaces, note);
    }

    private static List<NamespaceReport> namespaceReports(Map<String, Map<String, TenantNamespaceResult>> byTenant,
                                                          List<Finding> findings) {
        Map<String, long[]> sums = new LinkedHashMap<>();
        Map<String, Boolean> complete = new LinkedHashMap<>();
        for (Map<String, TenantNamespaceResult> perNs : byTenant.values()) {
            for (TenantNamespaceResult r : perNs.values()) {
                long[] s = sums.computeIfAbsent(r.namespace(), n -> new long[7]);
                s[0] += r.keysChecked();
                s[1] += r.consistent();
                s[2] += r.stale();
                s[3] += r.orphan();
                s[4] += r.corrupt();
                s[5] += r.inFlight();
                s[6] += r.expired();
                complete.merge(r.namespace(), r.complete(), Boolean::logicalAnd);
            }
        }
        List<NamespaceReport> out = new ArrayList<>();
        sums.forEach((ns, s) -> out.add(new NamespaceReport(ns, s[0], s[1], s[2], s[3], s[4], s[5], s[6],
                score(s[2] + s[3] + s[4], s[0]), complete.get(ns), s[4] == 0 ? null : FormatDiagnosis.of(ns, s[0], findings))));
        return out;
    }

    /** Merges the results of one tenant and namespace from two cluster nodes. */
    static TenantNamespaceResult merge(TenantNamespaceResult a, TenantNamespaceResult b) {
        return TenantNamespaceResult.merge(a, b);
    }

    /** The digests are sums modulo 2^256 of per-key hashes, so the digest of a union is the sum of the digests. */
    static String addDigests(String a, String b) {
        return TenantNamespaceResult.addDigests(a, b);
    }

    private static Map<DriftClass, Long> zeroCounts() {
        Map<DriftClass, Long> counts = new EnumMap<>(DriftClass.class);
        for (DriftClass c : DriftClass.values()) {
            counts.put(c, 0L);
        }
        return counts;
    }

    static Map<String, Object> details(Object... keyValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            out.put((String) keyValues[i], keyValues[i + 1]);
        }
        return out;
    }
}
