package io.cachecheck.contract;

/**
 * How to reach the cache.
 *
 * @param url         {@code redis://host:port[/db]} or {@code rediss://} for TLS
 * @param cluster     true for Redis Cluster (every primary is scanned)
 * @param readReplicas in cluster mode, scan and read replicas instead of primaries
 * @param credentials AUTH user/password source
 * @param ignoreKeyPrefixes keys starting with one of these byte prefixes belong to other applications sharing the
 *                    cache: they are skipped (counted as ignored), not reported as UNMAPPED
 */
public record CacheSettings(String url, boolean cluster, boolean readReplicas, Credentials credentials,
                            java.util.List<String> ignoreKeyPrefixes) {
    public CacheSettings {
        ignoreKeyPrefixes = ignoreKeyPrefixes == null ? java.util.List.of() : java.util.List.copyOf(ignoreKeyPrefixes);
    }
}
