package io.cachecheck.check;

/**
 * A part of the scope that was not (fully) checked. Any skipped part makes the verdict INCOMPLETE.
 *
 * @param tenant    the tenant, or null when the whole shard is affected
 * @param namespace the namespace, or null when all are affected
 * @param node      the cache node, or null
 * @param keys      keys known to be left unchecked (0 when unknown, e.g. a scan that stopped)
 * @param reason    why: {@code deadline}, {@code cache-unavailable}, {@code source-unavailable}, ...
 */
public record Skipped(String tenant, String namespace, String node, long keys, String reason) {
}
