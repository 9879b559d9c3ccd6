package io.cachecheck.audit;

import io.cachecheck.check.Finding;

import java.time.Instant;
import java.util.List;

/**
 * The audit log of one run, written as JSON to {@code runs/<runId>/audit-log.json}. Holds keys, digests, versions
 * and counts, never cached or row values. See docs/workflow.md.
 *
 * <p>New fields (baselines, regressions, remediation) are added as new record components; readers must ignore
 * fields they do not know, and {@link #version} changes only when a field changes meaning.
 *
 * @param version        schema version, {@link #SCHEMA_VERSION}
 * @param steps          what the run did, in order
 * @param tenants        per tenant, with its per-namespace results
 * @param namespaces     per namespace, over all tenants
 * @param findings       every finding the shards kept (see findingsTruncated)
 * @param unmappedSample a few keys no namespace (or no active tenant) claims
 */
public record AuditLog(int version, String runId, Trigger trigger, Instant startedAt, Instant finishedAt,
                       RunSummary summary, List<AuditStep> steps, List<TenantReport> tenants,
                       List<NamespaceReport> namespaces, List<ShardReport> shards, List<Finding> findings,
                       boolean findingsTruncated, List<String> unmappedSample) {
    public static final int SCHEMA_VERSION = 1;
}
