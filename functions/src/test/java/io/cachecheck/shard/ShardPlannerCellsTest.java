package io.cachecheck.shard;

import io.cachecheck.cache.RedisNodes;
import io.cachecheck.check.ShardWorkItem;
import io.cachecheck.contract.Cell;
import io.cachecheck.error.ContractException;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** Planning a cell contract: each shard on its own cell's cache nodes, unmapped keys reported once per cache. */
class ShardPlannerCellsTest {
    /** Cells a, b and c; a and b share one cache (only their databases differ), c has a 2-node cluster. */
    private static final Map<String, String> CACHE = Map.of("a", "shared:6379/0", "b", "shared:6379/0", "c", "c:7000/0");

    private static ShardPlanner.Placement placement() {
        return new ShardPlanner.Placement() {
            @Override
            public RedisNodes.Coverage coverage(String shard) {
                return shard.equals("c")
                        ? RedisNodes.Coverage.of(List.of(new HostAndPort("c", 7000), new HostAndPort("c", 7001)))
                        : RedisNodes.Coverage.of(List.of(new HostAndPort("shared", 6379)));
            }

            @Override
            public String cache(String shard) {
                return CACHE.get(shard);
            }

            @Override
            public Cell cell(String shard) {
                return new Cell(shard, Map.of(), CACHE.get(shard), "db-" + shard + ":5432/shop");
            }

            @Override
            public boolean cells() {
                return true;
            }
        };
    }

    private static ShardPlanner.Tenants tenants() {
        Map<String, String> shardOf = new LinkedHashMap<>();
        shardOf.put("t1", "a");
        shardOf.put("t2", "b");
        shardOf.put("t3", "c");
        shardOf.put("t4", "a");
        return new ShardPlanner.Tenants(shardOf);
    }

    @Test
    void plan_givesEachItemItsCell_andReportsUnmappedKeysOncePerDistinctCache() {
        List<ShardWorkItem> items = ShardPlanner.plan(tenants(), null, placement());
        assertThat(items).extracting(ShardWorkItem::shardId, i -> i.cell().id(), ShardWorkItem::nodes, ShardWorkItem::reportUnmapped)
                .containsExactly(
                        tuple("shard-a", "a", List.of(), true),
                        tuple("shard-b", "b", List.of(), false),
                        tuple("shard-c.node-0", "c", List.of("c:7000"), true),
                        tuple("shard-c.node-1", "c", List.of("c:7001"), true));
        assertThat(items.get(0).tenants()).containsExactly("t1", "t4");
    }

    @Test
    void plan_scoped_plansOnlyTheScopesCells_andReportsNoUnmappedKeys() {
        List<ShardWorkItem> items = ShardPlanner.plan(tenants(), List.of("t2"), placement());
        assertThat(items).extracting(ShardWorkItem::shardId, i -> i.cell().id(), ShardWorkItem::reportUnmapped)
                .containsExactly(tuple("shard-b", "b", false));
    }

    @Test
    void plan_withNoActiveTenant_knowsNoCell_andStops() {
        assertThatThrownBy(() -> ShardPlanner.plan(new ShardPlanner.Tenants(Map.of()), null, placement()))
                .isInstanceOf(ContractException.class)
                .hasMessageStartingWith("tenants.sql: returned no active tenant, so no cell is known to check");
    }

    @Test
    void workItem_keepsItsCellThroughTenantReferences() {
        ShardWorkItem item = ShardPlanner.plan(tenants(), null, placement()).get(0);
        assertThat(item.withTenantsRef("ref").cell()).isEqualTo(item.cell());
        assertThat(item.withTenantsRef("ref").withTenants(List.of("t1")).cell()).isEqualTo(item.cell());
    }
}
