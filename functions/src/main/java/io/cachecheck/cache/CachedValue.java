package io.cachecheck.cache;

import io.cachecheck.contract.ValueType;

import java.util.List;
import java.util.Map;

/** What a pipelined read of one key returned. Never logged: it may hold customer data. */
public sealed interface CachedValue {
    /** A Redis string. */
    record Text(byte[] bytes) implements CachedValue { }

    /** A Redis hash. */
    record Hash(Map<byte[], byte[]> fields) implements CachedValue { }

    /**
     * A Redis set, sorted set or list, read in one bounded command ({@link CollectionReader}): its members as stored
     * (a list in order; a sorted set by ascending score; a set in no particular order), and for a sorted set the
     * score of each member. At most {@code check.maxMembers + 1} members are read, so {@code members.size()} beyond
     * the cap means "too large", not the true size.
     *
     * @param type    {@link ValueType#SET}, {@link ValueType#ZSET} or {@link ValueType#LIST}
     * @param scores  the sorted set's scores, parallel to {@code members}; null for a set or a list
     */
    record Members(ValueType type, List<byte[]> members, double[] scores) implements CachedValue { }

    /** The key no longer exists (expired or deleted since the scan). */
    record Missing() implements CachedValue { }

    /** The key holds another Redis type than the namespace expects. */
    record WrongType(String expected) implements CachedValue { }

    Missing MISSING = new Missing();
}
