package io.cachecheck.cache;

import io.cachecheck.contract.CacheSettings;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.error.CacheUnavailableException;
import io.cachecheck.error.ContractException;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisException;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Redis nodes a check scans, and how to connect to them.
 *
 * <p>A check talks to each node directly with a single-connection {@link Jedis}: SCAN cursors belong to one node, and
 * the values of the keys a node returned are read back from that same node, so no cluster routing (and no
 * {@code RedisClusterClient}) is involved in the hot path. Standalone is the one-node case.
 */
public final class RedisNodes {
    private final List<HostAndPort> nodes;
    private final JedisClientConfig config;
    private final boolean readOnly;
    private final boolean cluster;

    private RedisNodes(List<HostAndPort> nodes, JedisClientConfig config, boolean readOnly, boolean cluster) {
        this.nodes = List.copyOf(nodes);
        this.config = config;
        this.readOnly = readOnly;
        this.cluster = cluster;
    }

    /** Where a cache is and how to connect to it: the seed node from {@code cache.url} and a client config. */
    public record Endpoint(HostAndPort seed, JedisClientConfig config) {
    }

    /**
     * Reads {@code cache.url} and {@code cache.auth} once, for the check and for remediation alike.
     *
     * @param clientName      the CLIENT SETNAME of the connections, so operators can tell them apart
     * @param socketTimeoutMs read timeout
     */
    public static Endpoint endpoint(CacheSettings settings, SecretResolver secrets, String clientName, int socketTimeoutMs) {
        URI uri = URI.create(settings.url());
        SecretResolver.Resolved auth = secrets.resolve(settings.credentials(), "cache.auth");
        int database = 0;
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            try {
                database = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                throw new ContractException("cache.url: database '" + path.substring(1) + "' is not a number; use redis://host:port/0");
            }
            if (settings.cluster() && database != 0) {
                throw new ContractException("cache.url: Redis Cluster has only database 0; remove /" + database);
            }
        }
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .ssl("rediss".equals(uri.getScheme()))
                .database(database)
                .connectionTimeoutMillis(5000)
                .socketTimeoutMillis(socketTimeoutMs)
                .clientName(clientName);
        if (auth.password() != null) {
            config.password(auth.password());
        }
        if (auth.username() != null) {
            config.user(auth.username());
        }
        return new Endpoint(new HostAndPort(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()), config.build());
    }

    /** Connects to the seed and, in cluster mode, lists the primaries (or one replica per primary). */
    public static RedisNodes discover(CacheSettings settings, SecretResolver secrets) {
        Endpoint endpoint = endpoint(settings, secrets, "cachecheck", 30_000);
        HostAndPort seed = endpoint.seed();
        JedisClientConfig clientConfig = endpoint.config();
        if (!settings.cluster()) {
            return new RedisNodes(List.of(seed), clientConfig, false, false);
        }
        String topology;
        try (Jedis jedis = new Jedis(seed, clientConfig)) {
            topology = jedis.clusterNodes();
        } catch (JedisException e) {
            throw new CacheUnavailableException("cannot read the cluster topology from " + seed + ": " + e.getClass().getSimpleName()
                    + "; check cache.url and that cache.mode matches the server", e);
        }
        return new RedisNodes(parseClusterNodes(topology, settings.readReplicas()), clientConfig, settings.readReplicas(), true);
    }

    /** Parses CLUSTER NODES: one line per node, {@code id host:port@bus[,hostname] flags master-id ...}. */
    static List<HostAndPort> parseClusterNodes(String topology, boolean replicas) {
        Map<String, HostAndPort> primaries = new TreeMap<>();
        Map<String, HostAndPort> replicaOf = new TreeMap<>();
        for (String line : topology.split("\n")) {
            String[] parts = line.trim().split(" ");
            if (parts.length < 8) {
                continue;
            }
            String flags = parts[2];
            if (flags.contains("fail") || flags.contains("noaddr") || flags.contains("handshake")) {
                continue;
            }
            String address = parts[1];
            int at = address.indexOf('@');
            HostAndPort node = HostAndPort.from(at < 0 ? address : address.substring(0, at));
            if (flags.contains("master")) {
                if (parts.length < 9) {
                    continue; // a primary without slots holds no keys (e.g. a node still joining as a replica)
                }
                primaries.put(parts[0], node);
            } else if (flags.contains("slave") && !replicaOf.containsKey(parts[3])) {
                replicaOf.put(parts[3], node);
            }
        }
        List<HostAndPort> out = new ArrayList<>();
        for (Map.Entry<String, HostAndPort> e : primaries.entrySet()) {
            out.add(replicas && replicaOf.containsKey(e.getKey()) ? replicaOf.get(e.getKey()) : e.getValue());
        }
        out.sort((a, b) -> a.toString().compareTo(b.toString()));
        return out;
    }

    public List<HostAndPort> nodes() {
        return nodes;
    }

    public boolean cluster() {
        return cluster;
    }

    /** Opens a new connection to a node; replicas are switched to READONLY. */
    public Jedis connect(HostAndPort node) {
        Jedis jedis = new Jedis(node, config);
        if (readOnly) {
            jedis.readonly();
        }
        return jedis;
    }
}
