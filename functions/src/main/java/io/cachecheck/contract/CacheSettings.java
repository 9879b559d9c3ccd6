package io.cachecheck.contract;

/**
 * How to reach the cache.
 *
 * @param url         {@code redis://host:port[/db]} or {@code rediss://} for TLS
 * @param cluster     true for Redis Cluster (every primary is scanned)
 * @param readReplicas in cluster mode, scan and read replicas instead of primaries
 * @param credentials AUTH user/password source
 */
public record CacheSettings(String url, boolean cluster, boolean readReplicas, Credentials credentials) {
}
