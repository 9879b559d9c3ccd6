package io.cachecheck.check;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class CountedKeysTest {
    private static final long K0 = 0x0706050403020100L;
    private static final long K1 = 0x0f0e0d0c0b0a0908L;

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    @Test
    void sipHash24_matchesTheReferenceVectors() {
        // vectors.h of the SipHash reference code: key 00..0f, message 00..(n-1)
        assertThat(CountedKeys.sipHash24(K0, K1, bytes(0))).isEqualTo(0x726fdb47dd0e0e31L);
        assertThat(CountedKeys.sipHash24(K0, K1, bytes(8))).isEqualTo(0x93f5f5799a932462L);
        assertThat(CountedKeys.sipHash24(K0, K1, bytes(15))).isEqualTo(0xa129ca6149be45e5L);
    }

    @Test
    void put_returnsHowTheKeyWasCountedBefore() {
        CountedKeys keys = new CountedKeys();
        long a = keys.fingerprint("t:acme:order:1".getBytes(StandardCharsets.UTF_8));
        long b = keys.fingerprint("t:acme:order:2".getBytes(StandardCharsets.UTF_8));
        assertThat(a).isNotEqualTo(b);
        assertThat(keys.state(a)).isEqualTo(CountedKeys.NONE);
        assertThat(keys.put(a, CountedKeys.EXPIRED)).isEqualTo(CountedKeys.NONE);
        assertThat(keys.put(a, CountedKeys.CONSISTENT)).isEqualTo(CountedKeys.EXPIRED);
        assertThat(keys.put(a, CountedKeys.FINDING)).isEqualTo(CountedKeys.CONSISTENT);
        assertThat(keys.state(a)).isEqualTo(CountedKeys.FINDING);
        assertThat(keys.state(b)).isEqualTo(CountedKeys.NONE);
        assertThat(keys.size()).isEqualTo(1);
    }

    @Test
    void fingerprint_isNeverZeroInTheKeptBits() {
        CountedKeys keys = new CountedKeys(key -> 3L); // only state bits set: would be an empty slot
        long fp = keys.fingerprint(new byte[] {1});
        assertThat(fp & ~3L).isNotZero();
        keys.put(fp, CountedKeys.CONSISTENT);
        assertThat(keys.state(fp)).isEqualTo(CountedKeys.CONSISTENT);
    }

    /** A million keys: every one found again with its state after the table has doubled ten times; its size per key. */
    @Test
    void put_aMillionKeys_keepsEveryStateAndCostsAbout17BytesAKey() {
        CountedKeys keys = new CountedKeys();
        int n = 1_000_000;
        long[] fps = new long[n];
        for (int i = 0; i < n; i++) {
            fps[i] = keys.fingerprint(("bench:t:tenant-" + (i % 287) + ":order:" + i).getBytes(StandardCharsets.UTF_8));
            assertThat(keys.put(fps[i], 1 + i % 3)).isEqualTo(CountedKeys.NONE);
        }
        assertThat(keys.size()).isEqualTo(n);
        for (int i = 0; i < n; i++) {
            if (keys.state(fps[i]) != 1 + i % 3) {
                throw new AssertionError("key " + i + " lost its state");
            }
        }
        // 2^21 slots of 8 bytes: 16.8 bytes a key at one million (docs/performance.md)
        assertThat(keys.tableBytes()).isEqualTo(8L << 21);
        assertThat((double) keys.tableBytes() / n).isBetween(16.7, 16.8);
    }
}
