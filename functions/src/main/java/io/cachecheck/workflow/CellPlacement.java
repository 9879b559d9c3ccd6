package io.cachecheck.workflow;

import io.cachecheck.cache.RedisNodes;
import io.cachecheck.contract.Cell;
import io.cachecheck.contract.Cells;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.error.CacheUnavailableException;
import io.cachecheck.error.ContractException;
import io.cachecheck.shard.ShardPlanner;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each shard of a cell contract is: its cell's endpoints, filled from its values and checked (a bad value stops
 * discovery with the field and the cell named), and its cache's nodes. Computed only for the shards the run plans.
 *
 * <p>A cell whose cluster topology cannot be read is planned as one item without nodes: that item's own discovery
 * fails the same way, so the cell is INCOMPLETE while the other cells are checked.
 */
final class CellPlacement implements ShardPlanner.Placement {
    private final Contract contract;
    private final ShardPlanner.Tenants tenants;
    private final SecretResolver secrets;
    private final Map<String, Cell> cells = new HashMap<>();
    private final Map<String, RedisNodes.Coverage> coverage = new HashMap<>();

    CellPlacement(Contract contract, ShardPlanner.Tenants tenants, SecretResolver secrets) {
        this.contract = contract;
        this.tenants = tenants;
        this.secrets = secrets;
    }

    @Override
    public boolean cells() {
        return true;
    }

    /**
     * The cell as a work item carries it: id and values only (ValidateShard fills and checks the endpoints again), so
     * an item grows by its values, not by two URLs, in the state that carries the plan.
     */
    @Override
    public Cell cell(String shard) {
        Cell full = resolved(shard);
        return full == null ? null : new Cell(full.id(), full.values(), null, null);
    }

    private Cell resolved(String shard) {
        return shard == null ? null : cells.computeIfAbsent(shard, s -> {
            Cell cell = Cells.cell(contract, s, tenants.cellValues().getOrDefault(s, Map.of()));
            // a cell's missing secret fails the run here, naming the cell, rather than one work item later
            Contract inCell = contract.inCell(cell);
            try {
                secrets.resolve(inCell.cache().credentials(), "cache.auth");
                secrets.resolve(inCell.source().credentials(), "source.auth");
            } catch (ContractException e) {
                throw new ContractException("cell " + s + ": " + e.getMessage(), e);
            }
            return cell;
        });
    }

    @Override
    public String cache(String shard) {
        return resolved(shard).cache();
    }

    @Override
    public RedisNodes.Coverage coverage(String shard) {
        if (shard == null) {
            return RedisNodes.Coverage.of(List.of());
        }
        return coverage.computeIfAbsent(shard, s -> {
            Contract inCell = contract.inCell(resolved(s));
            try {
                return RedisNodes.discover(inCell.cache(), secrets).coverage();
            } catch (CacheUnavailableException down) {
                return RedisNodes.Coverage.of(List.of());
            }
        });
    }

    /** The most nodes one cell's cache has (for the work-item limit's message). */
    int mostNodes() {
        return coverage.values().stream().mapToInt(c -> c.nodes().size()).max().orElse(1);
    }
}
