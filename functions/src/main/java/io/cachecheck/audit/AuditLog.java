package io.cachecheck.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.cachecheck.baseline.GateDecision;
import io.cachecheck.check.Finding;

import java.time.Instant;
import java.util.List;

/**
 * The audit log of one run, written as JSON to {@code audit/<runId>.json} and described by
 * {@code docs/audit-log.schema.json}. Holds keys (or {@code hmac:<hex>} when keys are redacted), digests, versions and
 * counts, never cached or row values.
 *
 * <p>{@link #version} changes only when a field changes meaning; readers must ignore fields they do not know.
 *
 * @param version        schema version, {@link #SCHEMA_VERSION}
 * @param keyScheme      how keys are written: {@code plain} or {@code hmac-sha256:<key fingerprint>}
 * @param gate           the gate's decision and its reasons
 * @param steps          what the run did, in order
 * @param tenants        per tenant, with its per-namespace results
 * @param namespaces     per namespace, over all tenants
 * @param findings       every finding the shards kept (see findingsTruncated)
 * @param unmappedSample a few keys no namespace (or no active tenant) claims
 * @param comparison     this run compared with its baseline
 * @param remediation    the remediation plan and what became of it; null when nothing drifted
 * @param sampling       the estimated drift ratios of a sampled run; null (absent) when every key was checked
 */
public record AuditLog(int version, String runId, Trigger trigger, Instant startedAt, Instant finishedAt,
                       String keyScheme, RunSummary summary, GateDecision gate, List<AuditStep> steps,
                       List<TenantReport> tenants, List<NamespaceReport> namespaces, List<ShardReport> shards,
                       List<Finding> findings, boolean findingsTruncated, List<String> unmappedSample,
                       ComparisonReport comparison, RemediationRecord remediation,
                       @JsonInclude(JsonInclude.Include.NON_NULL) SamplingReport sampling) {
    public static final int SCHEMA_VERSION = 1;

    public AuditLog(int version, String runId, Trigger trigger, Instant startedAt, Instant finishedAt,
                    String keyScheme, RunSummary summary, GateDecision gate, List<AuditStep> steps,
                    List<TenantReport> tenants, List<NamespaceReport> namespaces, List<ShardReport> shards,
                    List<Finding> findings, boolean findingsTruncated, List<String> unmappedSample,
                    ComparisonReport comparison, RemediationRecord remediation) {
        this(version, runId, trigger, startedAt, finishedAt, keyScheme, summary, gate, steps, tenants, namespaces, shards,
                findings, findingsTruncated, unmappedSample, comparison, remediation, null);
    }
}
