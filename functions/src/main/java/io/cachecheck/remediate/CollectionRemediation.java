package io.cachecheck.remediate;

import io.cachecheck.cache.CachedValue;
import io.cachecheck.cache.CollectionReader;
import io.cachecheck.contract.ValueType;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.Tuple;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The race-safe delete of a set, sorted set or list (docs/remediation.md): the key is read as the validator read it
 * (at most {@code maxMembers + 1} members, in one command), and a script deletes it only while it still holds exactly
 * those members (and scores).
 */
final class CollectionRemediation {
    /** ARGV holds the members: the set must have exactly these. 1 = deleted, 0 = differs, -1 = gone. */
    static final String DELETE_IF_SET_EQUALS = """
            local t = redis.call('TYPE', KEYS[1]).ok
            if t == 'none' then return -1 end
            if t ~= 'set' then return 0 end
            if redis.call('SCARD', KEYS[1]) ~= #ARGV then return 0 end
            for i = 1, #ARGV do
              if redis.call('SISMEMBER', KEYS[1], ARGV[i]) ~= 1 then return 0 end
            end
            redis.call('DEL', KEYS[1])
            return 1
            """;

    /** ARGV holds the list's elements in order. */
    static final String DELETE_IF_LIST_EQUALS = """
            local t = redis.call('TYPE', KEYS[1]).ok
            if t == 'none' then return -1 end
            if t ~= 'list' then return 0 end
            if redis.call('LLEN', KEYS[1]) ~= #ARGV then return 0 end
            local items = redis.call('LRANGE', KEYS[1], 0, -1)
            for i = 1, #ARGV do
              if items[i] ~= ARGV[i] then return 0 end
            end
            redis.call('DEL', KEYS[1])
            return 1
            """;

    /**
     * ARGV holds member, score pairs. Scores are compared as numbers: both texts are read by tonumber into Lua's
     * doubles, and the score text was written to round-trip (Java's shortest form, or inf/-inf).
     */
    static final String DELETE_IF_ZSET_EQUALS = """
            local t = redis.call('TYPE', KEYS[1]).ok
            if t == 'none' then return -1 end
            if t ~= 'zset' then return 0 end
            if redis.call('ZCARD', KEYS[1]) * 2 ~= #ARGV then return 0 end
            for i = 1, #ARGV, 2 do
              local s = redis.call('ZSCORE', KEYS[1], ARGV[i])
              if not s or tonumber(s) ~= tonumber(ARGV[i + 1]) then return 0 end
            end
            redis.call('DEL', KEYS[1])
            return 1
            """;

    private CollectionRemediation() {
    }

    /** Reads a collection as {@code io.cachecheck.cache.CollectionReader} does; WRONGTYPE is left to the caller. */
    static CachedValue read(UnifiedJedis r, byte[] key, ValueType type, int maxMembers) {
        int limit = maxMembers + 1;
        if (type == ValueType.ZSET) {
            List<Tuple> tuples = r.zrangeWithScores(key, 0, limit - 1);
            if (tuples == null || tuples.isEmpty()) {
                return CachedValue.MISSING;
            }
            return CollectionReader.zset(tuples);
        }
        List<byte[]> members = type == ValueType.SET ? r.srandmember(key, limit) : r.lrange(key, 0, limit - 1);
        return members == null || members.isEmpty() ? CachedValue.MISSING : new CachedValue.Members(type, members, null);
    }

    /** Deletes the key if it still holds exactly {@code current}; the script's answer (1, 0 or -1). */
    static Object deleteIfUnchanged(UnifiedJedis r, byte[] key, CachedValue.Members current) {
        List<byte[]> args = new ArrayList<>(current.members().size() * (current.scores() == null ? 1 : 2));
        for (int i = 0; i < current.members().size(); i++) {
            args.add(current.members().get(i));
            if (current.scores() != null) {
                double score = current.scores()[i];
                args.add(bytes(Double.isInfinite(score) ? (score > 0 ? "inf" : "-inf") : Double.toString(score)));
            }
        }
        String script = switch (current.type()) {
            case SET -> DELETE_IF_SET_EQUALS;
            case ZSET -> DELETE_IF_ZSET_EQUALS;
            default -> DELETE_IF_LIST_EQUALS;
        };
        return r.eval(bytes(script), List.of(key), args);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
