package io.cachecheck.check;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.cachecheck.cache.UncoveredSlots;
import io.cachecheck.contract.Cell;

import java.util.List;

/**
 * One unit of work: a group of tenants, checked against some or all cache nodes.
 *
 * @param shardId        stable id, e.g. {@code shard-3} or {@code shard-3.node-1}
 * @param tenants        the tenants whose keys this item checks; empty when {@code tenantsRef} is set
 * @param nodes          {@code host:port} of the cache nodes to scan; empty = every node of the contract's cache
 * @param reportUnmapped whether this item reports keys that match no namespace or name an inactive tenant; exactly
 *                       one item per node does, so such keys are counted once per run
 * @param tenantsRef     null, or the store key of this item's tenant list (a JSON array) when the lists of a run are
 *                       too large to travel in the state machine's 256 KiB payloads
 * @param uncovered      cluster slots that no item of the plan scans (seen by DiscoverShards); one item per shard
 *                       carries them and reports them as skipped for its tenants, so the run is INCOMPLETE
 * @param options        sampling and throttling of this item ({@link ItemOptions}); null = every key, no cap
 * @param cell           null, or the cell this item checks (a cell contract): the item connects only to that cell's
 *                       cache and database, and its findings are attributed to it
 * @param keysFrom       null: the item SCANs its node itself; otherwise the store prefix under which the run's scan
 *                       phase wrote this item's keys (docs/scale.md, "One scan per key"), read instead of a SCAN
 */
public record ShardWorkItem(String shardId, List<String> tenants, List<String> nodes, boolean reportUnmapped,
                            String tenantsRef, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<UncoveredSlots> uncovered,
                            @JsonInclude(JsonInclude.Include.NON_NULL) ItemOptions options,
                            @JsonInclude(JsonInclude.Include.NON_NULL) Cell cell,
                            @JsonInclude(JsonInclude.Include.NON_NULL) String keysFrom) {
    public ShardWorkItem {
        tenants = tenants == null ? List.of() : List.copyOf(tenants);
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        uncovered = uncovered == null ? List.of() : List.copyOf(uncovered);
    }

    public ShardWorkItem(String shardId, List<String> tenants, List<String> nodes, boolean reportUnmapped,
                         String tenantsRef, List<UncoveredSlots> uncovered, ItemOptions options, Cell cell) {
        this(shardId, tenants, nodes, reportUnmapped, tenantsRef, uncovered, options, cell, null);
    }

    public ShardWorkItem(String shardId, List<String> tenants, List<String> nodes, boolean reportUnmapped,
                         String tenantsRef, List<UncoveredSlots> uncovered) {
        this(shardId, tenants, nodes, reportUnmapped, tenantsRef, uncovered, null, null);
    }

    public ShardWorkItem(String shardId, List<String> tenants, List<String> nodes, boolean reportUnmapped,
                         String tenantsRef, List<UncoveredSlots> uncovered, ItemOptions options) {
        this(shardId, tenants, nodes, reportUnmapped, tenantsRef, uncovered, options, null);
    }

    /** The options, never null. */
    public ItemOptions optionsOrNone() {
        return options == null ? ItemOptions.NONE : options;
    }

    /** This item with sampling and throttling options. */
    public ShardWorkItem withOptions(ItemOptions o) {
        return new ShardWorkItem(shardId, tenants, nodes, reportUnmapped, tenantsRef, uncovered, o, cell, keysFrom);
    }

    public ShardWorkItem(String shardId, List<String> tenants, List<String> nodes, boolean reportUnmapped) {
        this(shardId, tenants, nodes, reportUnmapped, null, List.of());
    }

    public ShardWorkItem(String shardId, List<String> tenants, List<String> nodes, boolean reportUnmapped,
                         String tenantsRef) {
        this(shardId, tenants, nodes, reportUnmapped, tenantsRef, List.of());
    }

    /** This item with its tenant list stored at {@code ref} instead of carried inline. */
    public ShardWorkItem withTenantsRef(String ref) {
        return new ShardWorkItem(shardId, List.of(), nodes, reportUnmapped, ref, uncovered, options, cell, keysFrom);
    }

    /** This item with its tenant list inline (resolved from {@code tenantsRef}). */
    public ShardWorkItem withTenants(List<String> list) {
        return new ShardWorkItem(shardId, list, nodes, reportUnmapped, null, uncovered, options, cell, keysFrom);
    }

    /** This item, also reporting {@code slots} as not checked. */
    public ShardWorkItem withUncovered(List<UncoveredSlots> slots) {
        return new ShardWorkItem(shardId, tenants, nodes, reportUnmapped, tenantsRef, slots, options, cell, keysFrom);
    }

    /** This item, connecting only to {@code in}'s cache and database (a cell contract). */
    public ShardWorkItem withCell(Cell in) {
        return new ShardWorkItem(shardId, tenants, nodes, reportUnmapped, tenantsRef, uncovered, options, in, keysFrom);
    }

    /** This item, reading its keys from the scan phase's lists under {@code prefix} instead of scanning. */
    public ShardWorkItem withKeysFrom(String prefix) {
        return new ShardWorkItem(shardId, tenants, nodes, reportUnmapped, tenantsRef, uncovered, options, cell, prefix);
    }
}
