package io.cachecheck.workflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Verdict;

import java.util.List;
import java.util.Map;

/**
 * What ValidateShard returns to the state machine: a few hundred bytes whatever the shard's size, because the full
 * result (findings, per-tenant results) is in the store at {@code resultRef}. The Map's Catch builds the same shape
 * for a shard that failed, with {@code tenants}, {@code error} and {@code cause} set and no {@code resultRef}.
 *
 * @param skipped    number of skipped parts (non-zero means INCOMPLETE)
 * @param findings   number of findings kept in the stored result
 * @param checkpoint while the item is not done: the checkpoint its next invocation continues from (the figures are
 *                   those so far, the verdict INCOMPLETE and {@code resultRef} the checkpoint's key); null when done.
 *                   Always written, null included, because the state machine's Choice reads it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShardSummary(String shardId, Verdict verdict, Map<DriftClass, Long> counts, long keysScanned,
                           long keysChecked, int skipped, long findings, String resultRef, long durationMillis,
                           List<String> tenants, String error, String cause,
                           @JsonInclude(JsonInclude.Include.ALWAYS) CheckpointRef checkpoint) {

    /** A summary of a finished (or failed) item: no checkpoint. */
    public ShardSummary(String shardId, Verdict verdict, Map<DriftClass, Long> counts, long keysScanned,
                        long keysChecked, int skipped, long findings, String resultRef, long durationMillis,
                        List<String> tenants, String error, String cause) {
        this(shardId, verdict, counts, keysScanned, keysChecked, skipped, findings, resultRef, durationMillis, tenants,
                error, cause, null);
    }

    public boolean failed() {
        return resultRef == null;
    }
}
