package io.cachecheck.contract;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;
import java.util.TreeMap;

/**
 * One cell of a cell architecture: the shard whose tenants have their own cache and database, the values its
 * endpoint templates are filled with, and where those endpoints are (without credentials), for attribution.
 *
 * @param id     the shard value (from {@code tenants.shardColumn}), e.g. {@code eu-1}
 * @param values every placeholder's value: {@code shard} and each of {@code tenants.cellColumns}
 * @param cache  the cell's cache as {@code host:port/db}, or null when the cache is shared by every cell
 * @param source the cell's database as {@code host:port/database}, or null when it is shared
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Cell(String id, Map<String, String> values, String cache, String source) {
    public Cell {
        values = values == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(values));
    }
}
