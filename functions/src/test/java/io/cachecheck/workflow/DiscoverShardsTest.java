package io.cachecheck.workflow;

import io.cachecheck.check.ShardWorkItem;
import io.cachecheck.error.ContractException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DiscoverShardsTest {
    @Test
    void checkWorkItemCount_overTheCap_namesTheSettingsToChange() {
        assertThatCode(() -> DiscoverShards.checkWorkItemCount(DiscoverShards.MAX_WORK_ITEMS, 6)).doesNotThrowAnyException();
        assertThatThrownBy(() -> DiscoverShards.checkWorkItemCount(300, 6))
                .isInstanceOf(ContractException.class)
                .hasMessageContaining("300 work items (shards x 6 cache nodes)")
                .hasMessageContaining("tenants.shardCount");
    }

    @Test
    void maxWorkItems_withLongestIdsAndSummaries_fitsTheStepFunctionsPayloadQuota() throws Exception {
        String runId = "r".repeat(128); // the longest run id RunIds accepts
        List<ShardWorkItem> items = new ArrayList<>();
        List<ShardSummary> summaries = new ArrayList<>();
        for (int i = 0; i < DiscoverShards.MAX_WORK_ITEMS; i++) {
            String shardId = "shard-" + (100_000 + i) + ".node-" + (i % 500);
            items.add(new ShardWorkItem(shardId, List.of(), List.of("cache-node-0123456789.abcdef.0001.use1.cache.amazonaws.com:6379"),
                    i == 0, RunIds.workTenantsKey(runId, shardId)));
            java.util.Map<io.cachecheck.check.DriftClass, Long> counts = new java.util.EnumMap<>(io.cachecheck.check.DriftClass.class);
            for (io.cachecheck.check.DriftClass c : io.cachecheck.check.DriftClass.values()) {
                counts.put(c, 9_999_999_999L);
            }
            summaries.add(new ShardSummary(shardId, io.cachecheck.check.Verdict.INCOMPLETE, counts, 9_999_999_999L,
                    9_999_999_999L, 1000, 100_000, RunIds.shardKey(runId, shardId), 899_999, null, null, null));
        }
        int bytes = Json.bytes(java.util.Map.of("discovery", java.util.Map.of("shards", items), "shards", summaries)).length;
        assertThat(bytes).isLessThan(256 * 1024 - 32 * 1024); // 32 KiB left for the input and failed shards' causes
    }
}
