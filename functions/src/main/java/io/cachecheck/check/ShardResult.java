package io.cachecheck.check;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.cachecheck.contract.Cell;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The result of checking one work item. Holds keys, digests and counts only, never values.
 *
 * @param keysIgnored      scanned keys skipped by {@code cache.ignoreKeyPrefixes}
 * @param counts           keys per class over the whole item (UNMAPPED included)
 * @param unmappedSample   a few unmapped keys (escaped), to show what the contract misses
 * @param findings         every key that is not CONSISTENT, up to check.maxFindings
 * @param findingsTruncated true when more findings existed than were kept (counts stay exact)
 * @param skipped          what was not checked; non-empty means INCOMPLETE
 * @param sampling         set when only a sample of the keys was checked (the verdict is then never CONSISTENT)
 * @param cell             the cell checked (a cell contract): its id and endpoints, without credentials; or null
 */
public record ShardResult(String shardId, Verdict verdict, Instant startedAt, Instant finishedAt, Timings timings,
                          long keysScanned, long keysIgnored, Map<DriftClass, Long> counts, long expired, List<String> unmappedSample,
                          List<TenantNamespaceResult> results, List<Finding> findings, boolean findingsTruncated,
                          List<Skipped> skipped, @JsonInclude(JsonInclude.Include.NON_NULL) Sampling sampling,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Cell cell) {

    public ShardResult(String shardId, Verdict verdict, Instant startedAt, Instant finishedAt, Timings timings,
                       long keysScanned, long keysIgnored, Map<DriftClass, Long> counts, long expired, List<String> unmappedSample,
                       List<TenantNamespaceResult> results, List<Finding> findings, boolean findingsTruncated,
                       List<Skipped> skipped) {
        this(shardId, verdict, startedAt, finishedAt, timings, keysScanned, keysIgnored, counts, expired, unmappedSample,
                results, findings, findingsTruncated, skipped, null, null);
    }

    public ShardResult(String shardId, Verdict verdict, Instant startedAt, Instant finishedAt, Timings timings,
                       long keysScanned, long keysIgnored, Map<DriftClass, Long> counts, long expired, List<String> unmappedSample,
                       List<TenantNamespaceResult> results, List<Finding> findings, boolean findingsTruncated,
                       List<Skipped> skipped, Sampling sampling) {
        this(shardId, verdict, startedAt, finishedAt, timings, keysScanned, keysIgnored, counts, expired, unmappedSample,
                results, findings, findingsTruncated, skipped, sampling, null);
    }

    /** This result attributed to a cell: the result and every finding name it. */
    public ShardResult inCell(Cell in) {
        if (in == null) {
            return this;
        }
        return new ShardResult(shardId, verdict, startedAt, finishedAt, timings, keysScanned, keysIgnored, counts, expired,
                unmappedSample, results, findings.stream().map(f -> f.inCell(in.id())).toList(), findingsTruncated, skipped,
                sampling, in);
    }

    /**
     * How the keys of a sampled item were chosen.
     *
     * @param fraction       the sample fraction ({@link io.cachecheck.sample.KeySample})
     * @param keysNotSampled scanned keys left out of the sample: no value read, no SQL
     */
    public record Sampling(double fraction, long keysNotSampled) {
    }

    /** Where the time went, in milliseconds. */
    public record Timings(long totalMillis, long scanMillis, long recheckWaitMillis) {
    }

    public long count(DriftClass c) {
        return counts.getOrDefault(c, 0L);
    }

    public long keysChecked() {
        return results.stream().mapToLong(TenantNamespaceResult::keysChecked).sum();
    }
}
