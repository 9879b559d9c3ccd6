package io.cachecheck.contract;

/**
 * How to list active tenants and group them into shards.
 *
 * @param sql          a query returning at least the tenant id column (no parameters)
 * @param idColumn     column holding the tenant id; null = the first column
 * @param shardColumn  optional column holding the tenant's shard; null = spread by stable hash
 * @param shardCount   number of hash shards when there is no shard column
 * @param placeholder  the key pattern placeholder that holds the tenant id
 */
public record TenantDiscovery(String sql, String idColumn, String shardColumn, int shardCount, String placeholder) {
}
