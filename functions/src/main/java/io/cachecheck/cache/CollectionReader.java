package io.cachecheck.cache;

import io.cachecheck.contract.ValueType;
import io.cachecheck.error.CacheUnavailableException;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.resps.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads Redis sets, sorted sets and lists, one pipeline per batch, each key with one command that returns at most
 * {@code maxMembers + 1} members: {@code SRANDMEMBER key n} (with a positive count it returns distinct members, the
 * whole set when it has no more than n), {@code ZRANGE key 0 n-1 WITHSCORES} and {@code LRANGE key 0 n-1}. One
 * command per key is one atomic snapshot of it, and the bound keeps a huge collection from filling the memory: a
 * reply of {@code maxMembers + 1} members is "too large", not read further.
 */
public final class CollectionReader {
    private CollectionReader() {
    }

    /** The values of {@code keys}, in order, read from {@code node} as {@code type} expects them. */
    public static List<CachedValue> read(NodeConnection node, List<byte[]> keys, ValueType type, int maxMembers) {
        if (!type.collection()) {
            throw new IllegalArgumentException(type + " is not a collection type");
        }
        int limit = maxMembers + 1;
        return node.withJedis("read", jedis -> {
            Pipeline pipeline = jedis.pipelined();
            List<Response<?>> responses = new ArrayList<>(keys.size());
            for (byte[] key : keys) {
                responses.add(switch (type) {
                    case SET -> pipeline.srandmember(key, limit);
                    case ZSET -> pipeline.zrangeWithScores(key, 0, limit - 1);
                    default -> pipeline.lrange(key, 0, limit - 1);
                });
            }
            pipeline.sync();
            List<CachedValue> out = new ArrayList<>(keys.size());
            for (Response<?> response : responses) {
                out.add(value(node, response, type));
            }
            return out;
        });
    }

    @SuppressWarnings("unchecked")
    private static CachedValue value(NodeConnection node, Response<?> response, ValueType type) {
        Object reply;
        try {
            reply = response.get();
        } catch (JedisDataException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            if (message.startsWith("WRONGTYPE")) {
                return new CachedValue.WrongType(type.redisType());
            }
            if (message.startsWith("NOPERM")) {
                throw e; // withJedis turns an ACL refusal into a reason that says which permission to grant
            }
            // MOVED/ASK, LOADING, CLUSTERDOWN: the node cannot answer for this key now; the batch is not checked
            throw new CacheUnavailableException("read on Redis node " + node.node() + " answered "
                    + (message.isEmpty() ? "error" : message.split(" ", 2)[0]) + "; the cluster topology may be changing, run again", e);
        }
        // Redis deletes a collection with its last member, so an empty reply is a key gone since the scan
        if (reply == null || ((List<?>) reply).isEmpty()) {
            return CachedValue.MISSING;
        }
        if (type != ValueType.ZSET) {
            return new CachedValue.Members(type, (List<byte[]>) reply, null);
        }
        return zset((List<Tuple>) reply);
    }

    /** A sorted set's members and scores, in the order {@code ZRANGE ... WITHSCORES} returned them. */
    public static CachedValue.Members zset(List<Tuple> tuples) {
        List<byte[]> members = new ArrayList<>(tuples.size());
        double[] scores = new double[tuples.size()];
        for (int i = 0; i < tuples.size(); i++) {
            members.add(tuples.get(i).getBinaryElement());
            scores[i] = tuples.get(i).getScore();
        }
        return new CachedValue.Members(ValueType.ZSET, members, scores);
    }
}
