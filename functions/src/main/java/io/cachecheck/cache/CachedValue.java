package io.cachecheck.cache;

import java.util.Map;

/** What a pipelined read of one key returned. Never logged: it may hold customer data. */
public sealed interface CachedValue {
    /** A Redis string. */
    record Text(byte[] bytes) implements CachedValue { }

    /** A Redis hash. */
    record Hash(Map<byte[], byte[]> fields) implements CachedValue { }

    /** The key no longer exists (expired or deleted since the scan). */
    record Missing() implements CachedValue { }

    /** The key holds another Redis type than the namespace expects. */
    record WrongType(String expected) implements CachedValue { }

    Missing MISSING = new Missing();
}
