package io.cachecheck.contract;

import java.util.List;

/**
 * How to list active tenants and group them into shards.
 *
 * @param sql          a query returning at least the tenant id column (no parameters)
 * @param idColumn     column holding the tenant id; null = the first column
 * @param shardColumn  optional column holding the tenant's shard; null = spread by stable hash
 * @param shardCount   number of hash shards when there is no shard column
 * @param placeholder  the key pattern placeholder that holds the tenant id
 * @param cellColumns  columns of {@code sql} whose values fill cell placeholders ({@code {cache_host}}); one value
 *                     per shard (see "Cells" in docs/contract.md); empty without cells
 * @param catalog      where {@code sql} runs when that is not {@code source} (a cell architecture's control-plane
 *                     database); null = {@code source}
 */
public record TenantDiscovery(String sql, String idColumn, String shardColumn, int shardCount, String placeholder,
                              List<String> cellColumns, SourceSettings catalog) {
    public TenantDiscovery {
        cellColumns = cellColumns == null ? List.of() : List.copyOf(cellColumns);
    }

    public TenantDiscovery(String sql, String idColumn, String shardColumn, int shardCount, String placeholder) {
        this(sql, idColumn, shardColumn, shardCount, placeholder, List.of(), null);
    }
}
