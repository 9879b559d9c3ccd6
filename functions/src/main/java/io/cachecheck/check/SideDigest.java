package io.cachecheck.check;

/**
 * An order-independent digest of a set of (key, value digest) pairs: the sum modulo 2^256 of per-key SHA-256.
 * Two runs over the same data give the same digest whatever order the scan returned the keys in. A sum, unlike XOR,
 * does not cancel out a pair of equal items.
 */
final class SideDigest {
    private final long[] words = new long[4];
    private long count;

    synchronized void add(byte[] item) {
        long carry = 0;
        for (int w = 0; w < 4; w++) {
            long v = 0;
            for (int b = 0; b < 8; b++) {
                v = (v << 8) | (item[w * 8 + b] & 0xff);
            }
            long sum = words[w] + v + carry;
            carry = (Long.compareUnsigned(sum, words[w]) < 0 || (carry == 1 && sum == words[w])) ? 1 : 0;
            words[w] = sum;
        }
        count++;
    }

    synchronized String hex() {
        StringBuilder out = new StringBuilder(64);
        for (int w = 3; w >= 0; w--) {
            out.append(String.format("%016x", words[w]));
        }
        return out.toString();
    }

    /** Sets the sum to one {@link #hex()} wrote (a continuation goes on from its checkpoint's figures). */
    synchronized void restore(String hex) {
        if (hex == null || hex.length() != 64) {
            throw new IllegalArgumentException("a side digest is 64 hex digits");
        }
        for (int w = 0; w < 4; w++) {
            words[3 - w] = Long.parseUnsignedLong(hex.substring(w * 16, w * 16 + 16), 16);
        }
    }

    /** Per-key item: SHA-256 over the key and the value digest. */
    static byte[] item(byte[] key, byte[] valueDigest) {
        byte[] buf = new byte[key.length + 1 + valueDigest.length];
        System.arraycopy(key, 0, buf, 0, key.length);
        System.arraycopy(valueDigest, 0, buf, key.length + 1, valueDigest.length);
        return Canonicalizer.sha256(buf);
    }
}
