package io.cachecheck.remediate;

import io.cachecheck.contract.CacheSettings;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.error.ContractException;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

import java.net.URI;
import java.util.Set;

/**
 * Opens the client remediation writes with. Unlike the check, which talks to each node directly, remediation acts on
 * single keys, so it uses the routing clients: {@link RedisClient} for standalone, {@link RedisClusterClient} (which
 * sends each script to the key's slot owner and follows MOVED) for a cluster. Always the primaries.
 */
final class RedisWriteClient {
    private RedisWriteClient() {
    }

    static UnifiedJedis open(CacheSettings settings, SecretResolver secrets) {
        URI uri = URI.create(settings.url());
        int database = 0;
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            try {
                database = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                throw new ContractException("cache.url: database '" + path.substring(1) + "' is not a number; use redis://host:port/0");
            }
        }
        SecretResolver.Resolved auth = secrets.resolve(settings.credentials(), "cache.auth");
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .ssl("rediss".equals(uri.getScheme()))
                .connectionTimeoutMillis(5000)
                .socketTimeoutMillis(10_000)
                .clientName("cachecheck-remediate");
        if (auth.password() != null) {
            config.password(auth.password());
        }
        if (auth.username() != null) {
            config.user(auth.username());
        }
        HostAndPort seed = new HostAndPort(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort());
        if (settings.cluster()) {
            if (database != 0) {
                throw new ContractException("cache.url: Redis Cluster has only database 0; remove /" + database);
            }
            return RedisClusterClient.builder().nodes(Set.of(seed)).clientConfig(config.build()).build();
        }
        return RedisClient.builder().hostAndPort(seed).clientConfig(config.database(database).build()).build();
    }
}
