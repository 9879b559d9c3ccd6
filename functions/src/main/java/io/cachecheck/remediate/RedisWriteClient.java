package io.cachecheck.remediate;

import io.cachecheck.cache.RedisNodes;
import io.cachecheck.contract.CacheSettings;
import io.cachecheck.contract.SecretResolver;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

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
        RedisNodes.Endpoint endpoint = RedisNodes.endpoint(settings, secrets, "cachecheck-remediate", 10_000);
        if (settings.cluster()) {
            return RedisClusterClient.builder().nodes(Set.of(endpoint.seed())).clientConfig(endpoint.config()).build();
        }
        return RedisClient.builder().hostAndPort(endpoint.seed()).clientConfig(endpoint.config()).build();
    }
}
