package io.cachecheck.baseline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachecheck.check.Finding;
import io.cachecheck.check.TenantNamespaceResult;
import io.cachecheck.check.Verdict;
import io.cachecheck.remediate.RemediationPlan;
import io.cachecheck.remediate.RemediationReport;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Builds audit-log documents from the engine's records the way a Jackson-based writer would (records serialised by
 * their components, instants as ISO-8601 strings), so tests check the schema against real output shapes.
 */
final class AuditDocuments {
    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private AuditDocuments() {
    }

    static String document(RunSnapshot run, Comparison comparison, GateDecision gate, RemediationPlan plan,
                           RemediationReport report, Verdict verdict) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("version", 1);
        doc.put("runId", run.runId());
        doc.put("trigger", "gate");
        doc.put("startedAt", run.createdAt().toString());
        doc.put("finishedAt", run.createdAt().plusSeconds(3).toString());
        doc.put("keyScheme", run.keyScheme());
        doc.set("steps", JSON.valueToTree(List.of(
                Map.of("action", "validate", "details", Map.of("shards", 1, "contract", "test"), "durationMillis", 1200, "status", "SUCCEEDED"),
                Map.of("action", "compare", "details", Map.of("baseline", String.valueOf(comparison.comparedTo())), "durationMillis", 3, "status", "SUCCEEDED"))));
        doc.set("results", JSON.valueToTree(run.results()));
        doc.set("findings", JSON.valueToTree(run.findings()));
        doc.put("findingsTruncated", run.findingsTruncated());
        doc.put("comparedTo", comparison.comparedTo());
        doc.set("regressions", JSON.valueToTree(comparison.regressions()));
        doc.set("persistent", JSON.valueToTree(comparison.persistent()));
        doc.set("resolved", JSON.valueToTree(comparison.resolved()));
        doc.set("unverified", JSON.valueToTree(comparison.unverified()));
        doc.set("gate", JSON.valueToTree(gate));
        if (plan != null) {
            ObjectNode remediation = doc.putObject("remediation");
            remediation.set("plan", JSON.valueToTree(plan));
            remediation.put("dryRun", report.dryRun());
            remediation.put("executed", report.executed());
            remediation.set("notExecutedReasons", JSON.valueToTree(report.notExecutedReasons()));
            remediation.set("outcomes", JSON.valueToTree(report.results()));
        }
        ObjectNode summary = doc.putObject("summary");
        summary.put("verdict", verdict.name());
        summary.put("tenantsValidated", run.results().stream().map(TenantNamespaceResult::tenant).distinct().count());
        summary.put("keysChecked", run.keysChecked());
        summary.put("consistencyScore", 1.0 - run.driftRatio());
        summary.put("regressionsFound", comparison.regressions().size());
        summary.put("remediationRequired", plan != null && !plan.actions().isEmpty());
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Finding finding(String tenant, String namespace, String key, io.cachecheck.check.DriftClass c, Instant at) {
        return new Finding(tenant, namespace, key, c, c == io.cachecheck.check.DriftClass.ORPHAN ? "row-missing" : "fields-differ",
                List.of("status"), "a".repeat(64), c == io.cachecheck.check.DriftClass.ORPHAN ? null : "b".repeat(64), "c".repeat(64),
                "2026-01-01T00:00:00Z", null, at);
    }
}
