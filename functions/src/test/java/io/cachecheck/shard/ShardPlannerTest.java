package io.cachecheck.shard;

import io.cachecheck.cache.RedisNodes;
import io.cachecheck.cache.UncoveredSlots;
import io.cachecheck.check.ShardWorkItem;
import io.cachecheck.error.InvalidInputException;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class ShardPlannerTest {
    private static ShardPlanner.Tenants tenants() {
        Map<String, String> shardOf = new LinkedHashMap<>();
        shardOf.put("a", "1");
        shardOf.put("b", "0");
        shardOf.put("c", "1");
        return new ShardPlanner.Tenants(shardOf);
    }

    private static RedisNodes.Coverage nodes(HostAndPort... nodes) {
        return RedisNodes.Coverage.of(List.of(nodes));
    }

    @Test
    void plan_allTenants_groupsByShardAndReportsUnmappedOnce() {
        List<ShardWorkItem> items = ShardPlanner.plan(tenants(), null, nodes(new HostAndPort("h", 1)));
        assertThat(items).extracting(ShardWorkItem::shardId).containsExactly("shard-0", "shard-1");
        assertThat(items).extracting(ShardWorkItem::tenants).containsExactly(List.of("b"), List.of("a", "c"));
        assertThat(items).extracting(ShardWorkItem::reportUnmapped).containsExactly(true, false);
    }

    @Test
    void plan_cluster_splitsEachShardPerNode() {
        List<ShardWorkItem> items = ShardPlanner.plan(tenants(), null, nodes(new HostAndPort("h", 1), new HostAndPort("h", 2)));
        assertThat(items).extracting(ShardWorkItem::shardId).containsExactly("shard-0.node-0", "shard-0.node-1", "shard-1.node-0", "shard-1.node-1");
        assertThat(items).extracting(ShardWorkItem::nodes).containsExactly(List.of("h:1"), List.of("h:2"), List.of("h:1"), List.of("h:2"));
        assertThat(items).filteredOn(ShardWorkItem::reportUnmapped).extracting(ShardWorkItem::shardId)
                .containsExactly("shard-0.node-0", "shard-0.node-1");
    }

    @Test
    void plan_clusterWithUncoveredSlots_firstItemOfEveryShardCarriesThem() {
        UncoveredSlots gap = new UncoveredSlots("10923-16383", "f2", "cluster node f2 is flagged fail,noaddr and has no address to scan");
        RedisNodes.Coverage cache = new RedisNodes.Coverage(List.of(new HostAndPort("h", 1), new HostAndPort("h", 2)),
                List.of(gap), Map.of());
        List<ShardWorkItem> items = ShardPlanner.plan(tenants(), List.of("a"), cache);
        assertThat(items).extracting(ShardWorkItem::shardId, ShardWorkItem::uncovered).containsExactly(
                tuple("shard-1.node-0", List.of(gap)), tuple("shard-1.node-1", List.of()));
    }

    @Test
    void plan_clusterWithNoScannableNode_stillPlansAnItemThatReportsTheSlots() {
        UncoveredSlots gap = new UncoveredSlots("0-16383", null, "no cluster node serves them");
        List<ShardWorkItem> items = ShardPlanner.plan(tenants(), null, new RedisNodes.Coverage(List.of(), List.of(gap), Map.of()));
        assertThat(items).extracting(ShardWorkItem::shardId, ShardWorkItem::nodes, ShardWorkItem::uncovered).containsExactly(
                tuple("shard-0", List.of(), List.of(gap)), tuple("shard-1", List.of(), List.of(gap)));
    }

    @Test
    void plan_scoped_checksOnlyThoseTenantsAndReportsNoUnmappedKeys() {
        List<ShardWorkItem> items = ShardPlanner.plan(tenants(), List.of("c"), nodes(new HostAndPort("h", 1)));
        assertThat(items).singleElement().satisfies(i -> {
            assertThat(i.tenants()).containsExactly("c");
            assertThat(i.reportUnmapped()).isFalse();
        });
    }

    @Test
    void plan_scopeWithInactiveTenant_namesIt() {
        assertThatThrownBy(() -> ShardPlanner.plan(tenants(), List.of("a", "zz"), nodes(new HostAndPort("h", 1))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("tenantScope").hasMessageContaining("[zz]");
    }

    @Test
    void plan_scopeWithManyInactiveTenants_namesTheFirstTenAndCountsTheRest() {
        List<String> scope = new java.util.ArrayList<>();
        for (int i = 0; i < 9000; i++) {
            scope.add(String.format("tenant-%06d", i));
        }
        assertThatThrownBy(() -> ShardPlanner.plan(tenants(), scope, nodes(new HostAndPort("h", 1))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("tenantScope: tenants [tenant-000000, tenant-000001,")
                .hasMessageContaining("tenant-000009, … and 8990 more] are not active")
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(400));
    }

    @Test
    void plan_whenAnotherTenantHasAnInvalidShardValue_stillPlansAScopeWithoutIt() {
        Map<String, String> shardOf = new LinkedHashMap<>(tenants().shardOf());
        ShardPlanner.Tenants withBad = new ShardPlanner.Tenants(shardOf, Map.of("bad", "tenants.shardColumn: tenant 'bad' has shard value NULL; ..."));

        assertThat(ShardPlanner.plan(withBad, List.of("c"), nodes(new HostAndPort("h", 1)))).singleElement()
                .satisfies(i -> assertThat(i.tenants()).containsExactly("c"));
        assertThatThrownBy(() -> ShardPlanner.plan(withBad, List.of("c", "bad"), nodes(new HostAndPort("h", 1))))
                .isInstanceOf(io.cachecheck.error.ContractException.class).hasMessageContaining("tenant 'bad' has shard value NULL");
        assertThatThrownBy(() -> ShardPlanner.plan(withBad, null, nodes(new HostAndPort("h", 1))))
                .isInstanceOf(io.cachecheck.error.ContractException.class).hasMessageContaining("tenant 'bad'");
    }

    @Test
    void hashShard_isStable() {
        assertThat(ShardPlanner.hashShard("acme", 8)).isEqualTo(ShardPlanner.hashShard("acme", 8)).isBetween(0, 7);
        assertThat(ShardPlanner.hashShard("acme", 1)).isZero();
    }

    @Test
    void shardValue_acceptsNameLikeValuesAndRefusesOthersNamingTheTenant() {
        assertThat(ShardPlanner.shardValue("acme", "eu-west-1")).isEqualTo("eu-west-1");
        assertThat(ShardPlanner.shardValue("acme", 7)).isEqualTo("7");
        assertThatThrownBy(() -> ShardPlanner.shardValue("acme", "eu west/1"))
                .isInstanceOf(io.cachecheck.error.ContractException.class)
                .hasMessageContaining("tenants.shardColumn: tenant 'acme' has shard value of 9 characters, not all of them"
                        + " allowed; shard values name work items and files")
                .hasMessageNotContaining("eu west/1");
        assertThatThrownBy(() -> ShardPlanner.shardValue("globex", null))
                .isInstanceOf(io.cachecheck.error.ContractException.class)
                .hasMessageContaining("tenant 'globex' has shard value NULL");
    }
}
