package io.cachecheck.workflow;

import io.cachecheck.check.ShardWorkItem;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DiscoverShardsTest {
    @Test
    void discovery_asTheStateSeesIt_carriesWhereTheItemsAreAndNotTheItems() {
        List<ShardWorkItem> items = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            items.add(new ShardWorkItem("shard-" + i, List.of("tenant-" + i), List.of(), i == 0));
        }
        DiscoverShards.Discovery discovery = new DiscoverShards.Discovery(RunIds.workItemsKey("r1"),
                RunIds.mapResultsPrefix("r1"), items.size(), items.size(), RunIds.tenantsKey("r1"), 12, items,
                RunIds.scanItemsKey("r1"), 1, RunIds.scanResultsPrefix("r1"));

        String json = new String(Json.bytes(discovery), StandardCharsets.UTF_8);

        assertThat(json).isEqualTo("{\"workItemsRef\":\"runs/r1/work-items.json\",\"resultsPrefix\":\"runs/r1/map\","
                + "\"itemCount\":10000,\"tenantCount\":10000,\"tenantsRef\":\"runs/r1/tenants.json\",\"durationMillis\":12,"
                + "\"scanItemsRef\":\"runs/r1/map/scan-items.json\",\"scanCount\":1,\"scanResultsPrefix\":\"runs/r1/map/scan\"}");
        assertThat(discovery.shards()).hasSize(10_000);
    }

    @Test
    void inlineTenantBytes_countsEachIdWithItsQuotesAndComma() {
        ShardWorkItem item = new ShardWorkItem("shard-0", List.of("a", "bcd", "é"), List.of(), false);
        assertThat(DiscoverShards.inlineTenantBytes(item)).isEqualTo((1 + 3) + (3 + 3) + (2 + 3));
    }

    @Test
    void largestInlineItem_asAFailedChildsState_staysFarUnderThePayloadQuota() {
        // The largest item DiscoverShards leaves inline, then what ShardFailed makes of it: the biggest state a
        // child execution holds, whatever the number of items.
        List<String> tenants = new ArrayList<>();
        long bytes = 0;
        while (bytes + 64 + 3 <= DiscoverShards.MAX_INLINE_TENANT_BYTES) {
            tenants.add("t".repeat(60) + String.format("%04d", tenants.size()));
            bytes += 64 + 3;
        }
        ShardWorkItem item = new ShardWorkItem("shard-" + "9".repeat(64), tenants,
                List.of("cache-node-0123456789.abcdef.0001.use1.cache.amazonaws.com:6379"), true);
        assertThat(DiscoverShards.inlineTenantBytes(item)).isLessThanOrEqualTo(DiscoverShards.MAX_INLINE_TENANT_BYTES);
        Map<String, Object> failed = Map.of("runId", "r".repeat(128), "item", item, "error",
                Map.of("Error", "io.cachecheck.error.SourceUnavailableException", "Cause", "c".repeat(2048)));

        assertThat(Json.bytes(failed).length).isLessThan(8 * 1024);
    }

    @Test
    void planScans_whenItemsShareANode_plansOneScanPerNode_andPointsTheItemsAtIt_theReporterGettingTheUnclaimedKeys() {
        List<ShardWorkItem> items = new ArrayList<>(List.of(
                new ShardWorkItem("shard-0.node-0", List.of("a"), List.of("10.0.0.1:6379"), false),
                new ShardWorkItem("shard-0.node-1", List.of("a"), List.of("10.0.0.2:6379"), false),
                new ShardWorkItem("shard-1.node-0", List.of("b"), List.of("10.0.0.1:6379"), true),
                new ShardWorkItem("shard-1.node-1", List.of("b"), List.of("10.0.0.2:6379"), true)));

        List<ScanNode.ScanItem> scans = DiscoverShards.planScans("r1", items);

        assertThat(scans).containsExactly(
                new ScanNode.ScanItem("node-0", List.of("10.0.0.1:6379"), "shard-1.node-0", "runs/r1/keys/node-0"),
                new ScanNode.ScanItem("node-1", List.of("10.0.0.2:6379"), "shard-1.node-1", "runs/r1/keys/node-1"));
        assertThat(items).extracting(i -> i.shardId() + "=" + i.keysFrom()).containsExactly(
                "shard-0.node-0=runs/r1/keys/node-0", "shard-0.node-1=runs/r1/keys/node-1",
                "shard-1.node-0=runs/r1/keys/node-0", "shard-1.node-1=runs/r1/keys/node-1");
    }

    @Test
    void planScans_whenNoNodeIsShared_plansNothing_andLeavesTheItemsScanning() {
        List<ShardWorkItem> one = new ArrayList<>(List.of(new ShardWorkItem("shard-0", List.of("a"), List.of(), true)));
        List<ShardWorkItem> perNode = new ArrayList<>(List.of(
                new ShardWorkItem("shard-0.node-0", List.of("a"), List.of("10.0.0.1:6379"), true),
                new ShardWorkItem("shard-0.node-1", List.of("a"), List.of("10.0.0.2:6379"), true)));

        assertThat(DiscoverShards.planScans("r1", one)).isEmpty();
        assertThat(DiscoverShards.planScans("r1", perNode)).isEmpty();
        assertThat(one).extracting(ShardWorkItem::keysFrom).containsOnlyNulls();
        assertThat(perNode).extracting(ShardWorkItem::keysFrom).containsOnlyNulls();
    }

    @Test
    void aWorkItemWithKeysFrom_travelsThroughJson_andOneWithoutKeepsItsOldShape() throws Exception {
        ShardWorkItem item = new ShardWorkItem("shard-0", List.of("a"), List.of(), true).withKeysFrom("runs/r1/keys/node-0");

        assertThat(Json.MAPPER.readValue(Json.bytes(item), ShardWorkItem.class)).isEqualTo(item);
        assertThat(new String(Json.bytes(new ShardWorkItem("shard-0", List.of("a"), List.of(), true)), StandardCharsets.UTF_8))
                .doesNotContain("keysFrom");
    }

    @Test
    void planScans_withCells_neverSharesAScanBetweenCells_onlyBetweenItemsOfOneCell() {
        // as CellPlacement puts them in work items: the id and template values, no endpoints
        io.cachecheck.contract.Cell a = new io.cachecheck.contract.Cell("a", Map.of("shard", "a"), null, null);
        io.cachecheck.contract.Cell b = new io.cachecheck.contract.Cell("b", Map.of("shard", "b"), null, null);
        List<ShardWorkItem> items = new ArrayList<>(List.of(
                new ShardWorkItem("shard-a", List.of("t1"), List.of(), true).withCell(a),
                new ShardWorkItem("shard-b", List.of("t2"), List.of(), false).withCell(b),
                new ShardWorkItem("shard-a2", List.of("t3"), List.of(), false).withCell(a)));

        List<ScanNode.ScanItem> scans = DiscoverShards.planScans("r1", items);

        assertThat(scans).containsExactly(new ScanNode.ScanItem("node-0", List.of(), "shard-a", "runs/r1/keys/node-0"));
        assertThat(items).extracting(i -> i.shardId() + "=" + i.keysFrom()).containsExactly(
                "shard-a=runs/r1/keys/node-0", "shard-b=null", "shard-a2=runs/r1/keys/node-0");
    }
}
