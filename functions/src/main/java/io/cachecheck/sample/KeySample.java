package io.cachecheck.sample;

import io.cachecheck.error.InvalidInputException;

import java.math.BigDecimal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The deterministic key sample of a run: a key is in the sample when the first 8 bytes of the SHA-256 of its bytes,
 * read as an unsigned big-endian 64-bit number, are below {@code fraction × 2^64}. No seed and no run id goes into
 * the hash, so every run with the same fraction checks the same keys (trends compare), and a smaller fraction's
 * sample is part of every larger one's. SHA-256 is used because it is fixed and available everywhere: the sample
 * can be recomputed in any language (docs/scale.md, "Sampling").
 *
 * @param fraction the share of keys to check, above 0 and at most 1 (1 = every key, no sampling)
 */
public record KeySample(double fraction) {
    /** The smallest fraction accepted: one key in a million. */
    public static final double MIN_FRACTION = 1e-6;
    private static final BigDecimal TWO_TO_64 = new BigDecimal(java.math.BigInteger.ONE.shiftLeft(64));
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    });

    public KeySample {
        if (!(fraction >= MIN_FRACTION && fraction <= 1)) {
            throw new InvalidInputException("sample: " + fraction + " is invalid; use a fraction above 0 and at most 1,"
                    + " e.g. 0.01 checks about 1% of the keys (at least " + MIN_FRACTION + ")");
        }
    }

    /** Whether every key is checked. */
    public boolean all() {
        return fraction >= 1;
    }

    /** The key's point in [0, 2^64): the first 8 bytes of SHA-256(key), unsigned big-endian. */
    public static long point(byte[] key) {
        byte[] digest = SHA256.get().digest(key);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (digest[i] & 0xff);
        }
        return v;
    }

    /** The unsigned bound below which a point is sampled. */
    long threshold() {
        return new BigDecimal(fraction).multiply(TWO_TO_64).toBigInteger().longValue();
    }

    /** A tester for many keys (the bound is computed once). */
    public Tester tester() {
        return all() ? key -> true : new Below(threshold());
    }

    /** Tells sampled keys from the others. */
    @FunctionalInterface
    public interface Tester {
        boolean includes(byte[] key);
    }

    private record Below(long threshold) implements Tester {
        @Override
        public boolean includes(byte[] key) {
            return Long.compareUnsigned(point(key), threshold) < 0;
        }
    }
}
