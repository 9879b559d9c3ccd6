package io.cachecheck.baseline;

import io.cachecheck.check.Finding;
import io.cachecheck.check.ShardResult;
import io.cachecheck.check.TenantNamespaceResult;
import io.cachecheck.check.Verdict;
import io.cachecheck.redact.KeyRedactor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the current run found, merged over its shards: the input of {@link BaselineComparator} and
 * {@link GateEvaluator}.
 *
 * @param keyScheme         how the findings' keys are written ({@code plain}, or the redactor's scheme)
 * @param findingsTruncated true when some shard kept fewer findings than it found: absent keys then prove nothing
 * @param complete          false when any shard was INCOMPLETE
 */
public record RunSnapshot(String runId, Instant createdAt, String keyScheme, List<TenantNamespaceResult> results,
                          List<Finding> findings, boolean findingsTruncated, boolean complete) {

    public RunSnapshot {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(createdAt, "createdAt");
        keyScheme = keyScheme == null ? "plain" : keyScheme;
        results = List.copyOf(results);
        findings = List.copyOf(findings);
    }

    /** Merges the shard results of one run; keys stay as the validator wrote them. */
    public static RunSnapshot of(String runId, Instant createdAt, List<ShardResult> shards) {
        List<TenantNamespaceResult> results = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        boolean truncated = false;
        boolean complete = true;
        for (ShardResult s : shards) {
            results.addAll(s.results());
            findings.addAll(s.findings());
            truncated |= s.findingsTruncated();
            complete &= s.verdict() != Verdict.INCOMPLETE;
        }
        return new RunSnapshot(runId, createdAt, "plain", results, findings, truncated, complete);
    }

    /** The same snapshot with every key replaced as the redactor says (a disabled redactor changes nothing). */
    public RunSnapshot redacted(KeyRedactor redactor) {
        return new RunSnapshot(runId, createdAt, redactor.scheme(), results, redactor.redactFindings(findings),
                findingsTruncated, complete);
    }

    public long keysChecked() {
        return results.stream().mapToLong(TenantNamespaceResult::keysChecked).sum();
    }

    /** Stale + orphan + corrupt over every tenant and namespace (UNMAPPED keys are not "checked" keys). */
    public long drifted() {
        return results.stream().mapToLong(TenantNamespaceResult::drifted).sum();
    }

    /** drifted / keysChecked; 0 when nothing was checked. Equals 1 - the overall consistency score. */
    public double driftRatio() {
        long checked = keysChecked();
        return checked == 0 ? 0.0 : (double) drifted() / checked;
    }
}
