package io.cachecheck.check;

import java.util.List;

/**
 * One unit of work: a group of tenants, checked against some or all cache nodes.
 *
 * @param shardId        stable id, e.g. {@code shard-3} or {@code shard-3.node-1}
 * @param tenants        the tenants whose keys this item checks
 * @param nodes          {@code host:port} of the cache nodes to scan; empty = every node of the contract's cache
 * @param reportUnmapped whether this item reports keys that match no namespace or name an inactive tenant; exactly
 *                       one item per node does, so such keys are counted once per run
 */
public record ShardWorkItem(String shardId, List<String> tenants, List<String> nodes, boolean reportUnmapped) {
    public ShardWorkItem {
        tenants = tenants == null ? List.of() : List.copyOf(tenants);
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
    }
}
