package io.cachecheck.check;

import io.cachecheck.cache.CachedValue;
import io.cachecheck.cache.CollectionReader;
import io.cachecheck.cache.NodeConnection;
import io.cachecheck.cache.RedisNodes;
import io.cachecheck.contract.CheckSettings;
import io.cachecheck.contract.Namespace;
import redis.clients.jedis.HostAndPort;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Reads the cached values of a batch, each from the node that returned its key, as the namespace's value type
 * expects them. Each thread has its own connection per node (a {@link NodeConnection} is single-threaded), and no
 * read outlives the shard's deadline.
 */
final class CacheReader implements AutoCloseable {
    private final RedisNodes redis;
    private final List<HostAndPort> nodes;
    private final CheckSettings settings;
    private final Deadline deadline;
    private final ReadThrottle throttle;
    private final List<Map<Integer, NodeConnection>> all = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Map<Integer, NodeConnection>> connections;

    /** @param deadline every read stops at it ({@link NodeConnection}) */
    CacheReader(RedisNodes redis, List<HostAndPort> nodes, CheckSettings settings, Deadline deadline) {
        this(redis, nodes, settings, deadline, ReadThrottle.NONE);
    }

    /** @param throttle every key read counts against the item's cache-read cap */
    CacheReader(RedisNodes redis, List<HostAndPort> nodes, CheckSettings settings, Deadline deadline, ReadThrottle throttle) {
        this.throttle = throttle;
        this.redis = redis;
        this.nodes = nodes;
        this.settings = settings;
        this.deadline = deadline;
        this.connections = ThreadLocal.withInitial(() -> {
            Map<Integer, NodeConnection> m = new HashMap<>();
            all.add(m);
            return m;
        });
    }

    private NodeConnection node(int index) {
        return connections.get().computeIfAbsent(index,
                i -> new NodeConnection(redis, nodes.get(i), settings.maxRetries(), settings.retryBackoffMillis(), deadline.timeLeft()));
    }

    /** The cached values of the keys, in order: one read per node (pipelined, or an MGET). */
    List<CachedValue> read(Namespace ns, List<ScannedKey> keys) {
        throttle.cacheReads(keys.size());
        CachedValue[] values = new CachedValue[keys.size()];
        int firstNode = keys.get(0).node();
        boolean oneNode = true;
        for (ScannedKey key : keys) {
            oneNode &= key.node() == firstNode;
        }
        if (oneNode) { // the usual case: a standalone cache, or a shard of one cluster node
            List<byte[]> bytes = new ArrayList<>(keys.size());
            for (ScannedKey key : keys) {
                bytes.add(key.key());
            }
            read(node(firstNode), bytes, ns).toArray(values);
        } else {
            Map<Integer, List<Integer>> byNode = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                byNode.computeIfAbsent(keys.get(i).node(), k -> new ArrayList<>()).add(i);
            }
            for (Map.Entry<Integer, List<Integer>> e : byNode.entrySet()) {
                List<byte[]> bytes = new ArrayList<>(e.getValue().size());
                for (int i : e.getValue()) {
                    bytes.add(keys.get(i).key());
                }
                List<CachedValue> read = read(node(e.getKey()), bytes, ns);
                for (int k = 0; k < read.size(); k++) {
                    values[e.getValue().get(k)] = read.get(k);
                }
            }
        }
        return Arrays.asList(values);
    }

    private List<CachedValue> read(NodeConnection node, List<byte[]> keys, Namespace ns) {
        return ns.valueType().collection() ? CollectionReader.read(node, keys, ns.valueType(), settings.maxMembers())
                : node.read(keys, ns.valueType());
    }

    @Override
    public void close() {
        for (Map<Integer, NodeConnection> m : all) {
            m.values().forEach(NodeConnection::close);
        }
    }
}
