package io.cachecheck.audit;

import io.cachecheck.baseline.Comparison;
import io.cachecheck.baseline.GateDecision;
import io.cachecheck.baseline.RunSnapshot;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Finding;
import io.cachecheck.check.ShardResult;
import io.cachecheck.check.TenantNamespaceResult;
import io.cachecheck.check.Verdict;
import io.cachecheck.remediate.RemediationPlan;
import io.cachecheck.remediate.RemediationReport;
import io.cachecheck.workflow.Json;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Builds audit logs from the engine's records with the production builder and mapper ({@link AuditLogBuilder},
 * {@link Json}), so schema tests check real output shapes without running the workflow.
 */
public final class AuditDocuments {
    private AuditDocuments() {
    }

    /** An audit log of one shard holding the snapshot's results and findings (and 2 keys ignored by prefix). */
    public static String document(RunSnapshot run, Comparison comparison, GateDecision gate, RemediationPlan plan,
                                  RemediationReport report, Verdict verdict) {
        Map<DriftClass, Long> counts = new EnumMap<>(DriftClass.class);
        for (DriftClass c : DriftClass.values()) {
            counts.put(c, 0L);
        }
        for (TenantNamespaceResult r : run.results()) {
            counts.merge(DriftClass.CONSISTENT, r.consistent(), Long::sum);
            counts.merge(DriftClass.STALE, r.stale(), Long::sum);
            counts.merge(DriftClass.ORPHAN, r.orphan(), Long::sum);
            counts.merge(DriftClass.CORRUPT, r.corrupt(), Long::sum);
            counts.merge(DriftClass.IN_FLIGHT, r.inFlight(), Long::sum);
        }
        Instant at = run.createdAt();
        ShardResult shard = new ShardResult("shard-0", verdict, at, at.plusSeconds(3), new ShardResult.Timings(3000, 2500, 200),
                run.keysChecked() + 2, 2, counts, 0, List.of(), run.results(), run.findings(), run.findingsTruncated(), List.of());
        List<String> tenants = run.results().stream().map(TenantNamespaceResult::tenant).distinct().toList();
        Trigger trigger = new Trigger("gate", null, 0.01, true, true, 0.01, false, 4, false, "latest");
        AuditLog base = AuditLogBuilder.build(run.runId(), trigger, at, at.plusSeconds(3), tenants,
                List.of(new AuditStep("validate-input", "succeeded", 0, Map.of("mode", "gate"))),
                List.of(new ShardOutcome("shard-0", shard, tenants, "runs/" + run.runId() + "/shards/shard-0.json", null, null)));
        RunSummary summary = base.summary().with(comparison.regressions().size(), comparison.persistent().size(),
                comparison.resolved().size(), plan == null ? 0 : plan.actions().size(),
                report == null ? 0 : report.count(io.cachecheck.remediate.Outcome.APPLIED));
        AuditLog log = new AuditLog(base.version(), base.runId(), trigger, base.startedAt(), base.finishedAt(),
                run.keyScheme(), summary, gate, base.steps(), base.tenants(), base.namespaces(), base.shards(),
                base.findings(), base.findingsTruncated(), base.unmappedSample(),
                ComparisonReport.of("latest", comparison, "baselines/" + run.runId() + ".json"),
                plan == null ? null : new RemediationRecord(!report.dryRun(), plan, report));
        return new String(Json.pretty(log), StandardCharsets.UTF_8);
    }

    public static Finding finding(String tenant, String namespace, String key, DriftClass c, Instant at) {
        return new Finding(tenant, namespace, key, c, c == DriftClass.ORPHAN ? "row-missing" : "fields-differ",
                List.of("status"), "a".repeat(64), c == DriftClass.ORPHAN ? null : "b".repeat(64), "c".repeat(64),
                "2026-01-01T00:00:00Z", null, at);
    }
}
