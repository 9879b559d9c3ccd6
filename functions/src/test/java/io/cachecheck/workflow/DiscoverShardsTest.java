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
                RunIds.mapResultsPrefix("r1"), items.size(), items.size(), RunIds.tenantsKey("r1"), 12, items);

        String json = new String(Json.bytes(discovery), StandardCharsets.UTF_8);

        assertThat(json).isEqualTo("{\"workItemsRef\":\"runs/r1/work-items.json\",\"resultsPrefix\":\"runs/r1/map\","
                + "\"itemCount\":10000,\"tenantCount\":10000,\"tenantsRef\":\"runs/r1/tenants.json\",\"durationMillis\":12}");
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
}
