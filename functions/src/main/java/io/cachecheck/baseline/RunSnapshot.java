package io.cachecheck.baseline;

import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Finding;
import io.cachecheck.check.ShardResult;
import io.cachecheck.check.TenantNamespaceResult;
import io.cachecheck.check.Verdict;
import io.cachecheck.redact.KeyRedactor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the current run found, merged over its shards: the input of {@link BaselineComparator} and
 * {@link GateEvaluator}.
 *
 * @param keyScheme         how the findings' keys are written ({@code plain}, or the redactor's scheme)
 * @param findingsTruncated true when some shard kept fewer findings than it found: absent keys then prove nothing
 * @param complete          false when any shard was INCOMPLETE (or, set by the caller, any part of the scope was not
 *                          checked, e.g. a shard that failed and has no result)
 * @param unmappedKeys      keys no namespace (or no active tenant) claims: checked and drifted, but not part of any
 *                          tenant's figures
 * @param unmappedChecked   true when this run looked for UNMAPPED keys (a run over all tenants); a tenant-scoped run
 *                          reports none, so its silence about them proves nothing
 * @param sample            the share of keys this run checked: 1 for a full run (docs/scale.md, "Sampling")
 */
public record RunSnapshot(String runId, Instant createdAt, String keyScheme, List<TenantNamespaceResult> results,
                          List<Finding> findings, boolean findingsTruncated, boolean complete, long unmappedKeys,
                          boolean unmappedChecked, double sample) {

    public RunSnapshot(String runId, Instant createdAt, String keyScheme, List<TenantNamespaceResult> results,
                       List<Finding> findings, boolean findingsTruncated, boolean complete, long unmappedKeys,
                       boolean unmappedChecked) {
        this(runId, createdAt, keyScheme, results, findings, findingsTruncated, complete, unmappedKeys, unmappedChecked, 1);
    }

    public RunSnapshot {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(createdAt, "createdAt");
        keyScheme = keyScheme == null ? "plain" : keyScheme;
        results = List.copyOf(results);
        findings = List.copyOf(findings);
    }

    /** A snapshot of a run over all tenants. */
    public RunSnapshot(String runId, Instant createdAt, String keyScheme, List<TenantNamespaceResult> results,
                       List<Finding> findings, boolean findingsTruncated, boolean complete, long unmappedKeys) {
        this(runId, createdAt, keyScheme, results, findings, findingsTruncated, complete, unmappedKeys, true);
    }

    /** A snapshot without UNMAPPED keys. */
    public RunSnapshot(String runId, Instant createdAt, String keyScheme, List<TenantNamespaceResult> results,
                       List<Finding> findings, boolean findingsTruncated, boolean complete) {
        this(runId, createdAt, keyScheme, results, findings, findingsTruncated, complete, 0);
    }

    /**
     * Merges the shard results of one run; keys stay as the validator wrote them. A tenant/namespace checked by
     * several work items (a cluster shard is split per node) becomes one result, complete only if every part was: a
     * drifted key on a node that could not be scanned must stay unverified, not count as resolved.
     */
    public static RunSnapshot of(String runId, Instant createdAt, List<ShardResult> shards) {
        Map<List<String>, TenantNamespaceResult> results = new LinkedHashMap<>();
        List<Finding> findings = new ArrayList<>();
        boolean truncated = false;
        boolean complete = true;
        long unmapped = 0;
        for (ShardResult s : shards) {
            for (TenantNamespaceResult r : s.results()) {
                results.merge(Arrays.asList(r.tenant(), r.namespace()), r, TenantNamespaceResult::merge);
            }
            findings.addAll(s.findings());
            truncated |= s.findingsTruncated();
            complete &= s.verdict() != Verdict.INCOMPLETE;
            unmapped += s.count(DriftClass.UNMAPPED);
        }
        return new RunSnapshot(runId, createdAt, "plain", new ArrayList<>(results.values()), findings, truncated, complete,
                unmapped);
    }

    /** The same snapshot with every key replaced as the redactor says (a disabled redactor changes nothing). */
    public RunSnapshot redacted(KeyRedactor redactor) {
        return new RunSnapshot(runId, createdAt, redactor.scheme(), results, redactor.redactFindings(findings),
                findingsTruncated, complete, unmappedKeys, unmappedChecked, sample);
    }

    /** The same snapshot marked as a tenant-scoped run, which does not look for UNMAPPED keys. */
    public RunSnapshot scoped() {
        return new RunSnapshot(runId, createdAt, keyScheme, results, findings, findingsTruncated, complete, unmappedKeys, false,
                sample);
    }

    /** The same snapshot marked incomplete, e.g. when a shard failed and left no result to merge. */
    public RunSnapshot incomplete() {
        return new RunSnapshot(runId, createdAt, keyScheme, results, findings, findingsTruncated, false, unmappedKeys,
                unmappedChecked, sample);
    }

    /** The same snapshot of a run that checked only {@code fraction} of the keys. */
    public RunSnapshot sampled(double fraction) {
        return new RunSnapshot(runId, createdAt, keyScheme, results, findings, findingsTruncated, complete, unmappedKeys,
                unmappedChecked, fraction);
    }

    /** Whether only a sample of the keys was checked. */
    public boolean isSampled() {
        return sample < 1;
    }

    /** The 95% Wilson interval of the drift ratio (for a full run, the ratio is exact). */
    public io.cachecheck.sample.DriftEstimate driftEstimate() {
        return io.cachecheck.sample.DriftEstimate.wilson(drifted(), keysChecked());
    }

    /** Every classified key: the tenants' keys plus UNMAPPED keys (as in the audit log's summary). */
    public long keysChecked() {
        return results.stream().mapToLong(TenantNamespaceResult::keysChecked).sum() + unmappedKeys;
    }

    /** Stale + orphan + corrupt over every tenant and namespace, plus UNMAPPED keys. */
    public long drifted() {
        return results.stream().mapToLong(TenantNamespaceResult::drifted).sum() + unmappedKeys;
    }

    /** drifted / keysChecked; 0 when nothing was checked. Equals 1 - the overall consistency score. */
    public double driftRatio() {
        long checked = keysChecked();
        return checked == 0 ? 0.0 : (double) drifted() / checked;
    }
}
