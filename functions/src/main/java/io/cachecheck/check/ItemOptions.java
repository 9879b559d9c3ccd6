package io.cachecheck.check;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the execution input asks of every work item beyond its tenants and nodes, set by DiscoverShards.
 *
 * @param sample                 the share of keys to check (docs/scale.md, "Sampling"); null = every key
 * @param cacheReadsPerSecond    this item's share of the run's cap on keys read from the cache per second (SCAN
 *                               and value reads, docs/scale.md, "Throttling"); null = no cap
 * @param sourceQueriesPerSecond this item's share of the run's cap on source statements per second; null = no cap
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ItemOptions(Double sample, Double cacheReadsPerSecond, Double sourceQueriesPerSecond) {
    public static final ItemOptions NONE = new ItemOptions(null, null, null);

    public boolean sampled() {
        return sample != null && sample < 1;
    }
}
