package io.cachecheck.check;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.function.ToLongFunction;

/**
 * The keys one node's part of a work item has counted, by fingerprint, each with how it was counted. SCAN may return
 * a key more than once (while the server's table is rehashed), and a scan restarted from cursor 0 after a failover
 * returns every key again: this set is how each key is still counted once.
 *
 * <p>A fingerprint is 62 bits of a keyed SipHash-2-4 of the key's bytes, with a random key per set, so that keys
 * written to the cache cannot be chosen to collide. The set is an open-addressing table of {@code long}s (the
 * fingerprint and a 2-bit state in one word, no boxing), at most 3/4 full: 8 bytes a slot, 10.7 to 21.3 bytes a key
 * depending on where the table is between two doublings (docs/performance.md). A collision can make two distinct
 * keys look like one; the caller keeps that from ever hiding a key from the check or a finding from the report.
 *
 * <p>Not thread-safe: the caller locks.
 */
final class CountedKeys {
    /** How a key was counted. */
    static final int NONE = 0;
    static final int CONSISTENT = 1;
    static final int EXPIRED = 2;
    /** Counted in a drift class, IN_FLIGHT or UNMAPPED, and reported as a finding. */
    static final int FINDING = 3;

    private static final int STATE_BITS = 2;
    private static final long STATE_MASK = (1L << STATE_BITS) - 1;
    private static final int MIN_CAPACITY = 1 << 10;
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final SecureRandom SEEDS = new SecureRandom();

    private final ToLongFunction<byte[]> hash;
    private long[] table = new long[MIN_CAPACITY];
    private int size;

    CountedKeys() {
        this(randomSipHash());
    }

    /** A set with another 64-bit hash of the key bytes (tests: one that collides on purpose). */
    CountedKeys(ToLongFunction<byte[]> hash) {
        this.hash = hash;
    }

    private static ToLongFunction<byte[]> randomSipHash() {
        // nanoTime too: a SnapStart restore must not give every restored instance the snapshot's next seed
        long k0 = SEEDS.nextLong() ^ System.nanoTime();
        long k1 = SEEDS.nextLong();
        return key -> sipHash24(k0, k1, key);
    }

    /** The fingerprint of a key's bytes: never 0 in the bits {@link #state} and {@link #put} keep. */
    long fingerprint(byte[] key) {
        long fp = hash.applyAsLong(key) & ~STATE_MASK;
        return fp == 0 ? 1L << STATE_BITS : fp;
    }

    /** How the key with this fingerprint was counted, or {@link #NONE}. */
    int state(long fingerprint) {
        long[] t = table;
        int mask = t.length - 1;
        for (int i = slot(fingerprint, mask); ; i = (i + 1) & mask) {
            long v = t[i];
            if (v == 0) {
                return NONE;
            }
            if ((v & ~STATE_MASK) == fingerprint) {
                return (int) (v & STATE_MASK);
            }
        }
    }

    /** Records how the key with this fingerprint is counted now; returns how it was counted before, or NONE. */
    int put(long fingerprint, int state) {
        long[] t = table;
        int mask = t.length - 1;
        for (int i = slot(fingerprint, mask); ; i = (i + 1) & mask) {
            long v = t[i];
            if (v == 0) {
                t[i] = fingerprint | state;
                if (++size * 4L > t.length * 3L) {
                    grow();
                }
                return NONE;
            }
            if ((v & ~STATE_MASK) == fingerprint) {
                t[i] = fingerprint | state;
                return (int) (v & STATE_MASK);
            }
        }
    }

    int size() {
        return size;
    }

    /** The bytes the table holds now (a doubling briefly needs 1.5 times this). */
    long tableBytes() {
        return 8L * table.length;
    }

    private static int slot(long fingerprint, int mask) {
        // the fingerprint's low bits hold the state's zeros; its high bits are as random as any
        return (int) (fingerprint >>> 32 ^ fingerprint >>> 2) & mask;
    }

    private void grow() {
        long[] old = table;
        long[] t = new long[old.length * 2];
        int mask = t.length - 1;
        for (long v : old) {
            if (v != 0) {
                int i = slot(v & ~STATE_MASK, mask);
                while (t[i] != 0) {
                    i = (i + 1) & mask;
                }
                t[i] = v;
            }
        }
        table = t;
    }

    /** SipHash-2-4 (Aumasson and Bernstein) of {@code data} under the 128-bit key (k0, k1). */
    static long sipHash24(long k0, long k1, byte[] data) {
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;
        int len = data.length;
        int end = len - (len & 7);
        for (int i = 0; i < end; i += 8) {
            long m = (long) LONG_LE.get(data, i);
            v3 ^= m;
            for (int r = 0; r < 2; r++) {
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }
        long b = ((long) len) << 56;
        for (int i = end, shift = 0; i < len; i++, shift += 8) {
            b |= (data[i] & 0xffL) << shift;
        }
        v3 ^= b;
        for (int r = 0; r < 2; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        v0 ^= b;
        v2 ^= 0xff;
        for (int r = 0; r < 4; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }
}
