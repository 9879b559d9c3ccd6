package io.cachecheck.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Skipped;
import io.cachecheck.check.Verdict;
import io.cachecheck.contract.Cell;

import java.util.List;
import java.util.Map;

/**
 * One work item of the run.
 *
 * @param keysIgnored scanned keys skipped by {@code cache.ignoreKeyPrefixes} (other applications' keys)
 * @param resultRef where the full shard result is stored; null when the shard failed before writing it
 * @param error     for a failed shard: the error name (e.g. the exception class), else null
 * @param cause     for a failed shard: the error message, else null
 * @param cell      the cell the shard checked (id and endpoints, no credentials), or null without cells
 */
public record ShardReport(String shardId, Verdict verdict, List<String> tenants, long durationMillis,
                          long keysScanned, long keysIgnored, long keysChecked, Map<DriftClass, Long> counts, List<Skipped> skipped,
                          String resultRef, String error, String cause,
                          @JsonInclude(JsonInclude.Include.NON_NULL)
                          Cell cell) {

    public ShardReport(String shardId, Verdict verdict, List<String> tenants, long durationMillis,
                       long keysScanned, long keysIgnored, long keysChecked, Map<DriftClass, Long> counts, List<Skipped> skipped,
                       String resultRef, String error, String cause) {
        this(shardId, verdict, tenants, durationMillis, keysScanned, keysIgnored, keysChecked, counts, skipped, resultRef,
                error, cause, null);
    }
}
