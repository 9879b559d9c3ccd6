package io.cachecheck.audit;

import io.cachecheck.check.ShardResult;

import java.util.List;

/**
 * What became of one work item: its result, or the error that stopped it.
 *
 * @param result    the stored shard result; null when the shard failed
 * @param tenants   the item's tenants (needed to mark them INCOMPLETE when it failed)
 * @param resultRef the stored result's key, or null
 */
public record ShardOutcome(String shardId, ShardResult result, List<String> tenants, String resultRef, String error,
                           String cause) {
    public static ShardOutcome failed(String shardId, List<String> tenants, String error, String cause) {
        return new ShardOutcome(shardId, null, tenants, null, error, cause);
    }
}
