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
 * @param skipped  number of skipped parts (non-zero means INCOMPLETE)
 * @param findings number of findings kept in the stored result
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShardSummary(String shardId, Verdict verdict, Map<DriftClass, Long> counts, long keysScanned,
                           long keysChecked, int skipped, long findings, String resultRef, long durationMillis,
                           List<String> tenants, String error, String cause) {

    public boolean failed() {
        return resultRef == null;
    }
}
