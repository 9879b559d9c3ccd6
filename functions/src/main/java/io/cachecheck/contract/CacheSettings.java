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
 * @param databases   how many databases the server has ({@code cache.databases}); a cell's URL is checked against it
 */
public record CacheSettings(String url, boolean cluster, boolean readReplicas, Credentials credentials,
                            java.util.List<String> ignoreKeyPrefixes, int databases) {
    public CacheSettings {
        ignoreKeyPrefixes = ignoreKeyPrefixes == null ? java.util.List.of() : java.util.List.copyOf(ignoreKeyPrefixes);
        databases = databases <= 0 ? CacheUrl.DEFAULT_DATABASES : databases;
    }

    public CacheSettings(String url, boolean cluster, boolean readReplicas, Credentials credentials,
                         java.util.List<String> ignoreKeyPrefixes) {
        this(url, cluster, readReplicas, credentials, ignoreKeyPrefixes, CacheUrl.DEFAULT_DATABASES);
    }

    /** The same settings with another URL and credentials (a cell's). */
    public CacheSettings at(String cellUrl, Credentials cellCredentials) {
        return new CacheSettings(cellUrl, cluster, readReplicas, cellCredentials, ignoreKeyPrefixes, databases);
    }
}
