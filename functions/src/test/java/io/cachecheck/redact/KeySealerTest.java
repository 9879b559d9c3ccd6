package io.cachecheck.redact;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class KeySealerTest {
    private static final String KEY = "t:acme:user:jane.doe@example.com";
    private static final KeyRedactor REDACTOR = KeyRedactor.hmac("k3y-for-tests-0123456789-abcdefgh".getBytes(StandardCharsets.UTF_8));
    private static final String REDACTED = REDACTOR.apply(KEY);

    private static KeySealer sealer(KeyRedactor redactor) {
        return redactor.sealer().orElseThrow();
    }

    @Test
    void unseal_ofASealedKey_givesTheKeyBack_andTheSealedFormHoldsNoKeyText() {
        String sealed = sealer(REDACTOR).seal(KEY, REDACTED);

        assertThat(sealer(REDACTOR).unseal(sealed, REDACTED)).contains(KEY);
        assertThat(sealed).doesNotContain("jane").doesNotContain("acme");
        // nonce (12) + ciphertext (key length) + tag (16)
        assertThat(Base64.getDecoder().decode(sealed)).hasSize(12 + KEY.length() + 16);
    }

    @Test
    void unseal_roundTripsEscapedAndNonAsciiKeys() {
        String key = "t:\\x00\\xff:caf\u00e9";
        String sealed = sealer(REDACTOR).seal(key, REDACTOR.apply(key));

        assertThat(sealer(REDACTOR).unseal(sealed, REDACTOR.apply(key))).contains(key);
    }

    @Test
    void seal_twiceTheSameKey_givesDifferentSealedForms() {
        String first = sealer(REDACTOR).seal(KEY, REDACTED);
        String second = sealer(REDACTOR).seal(KEY, REDACTED);

        assertThat(first).isNotEqualTo(second);
        // the nonces differ, not only the ciphertexts
        assertThat(java.util.Arrays.copyOf(Base64.getDecoder().decode(first), 12))
                .isNotEqualTo(java.util.Arrays.copyOf(Base64.getDecoder().decode(second), 12));
        assertThat(sealer(REDACTOR).unseal(second, REDACTED)).contains(KEY);
    }

    @Test
    void unseal_whenAnyByteIsTampered_failsAuthentication() {
        byte[] sealed = Base64.getDecoder().decode(sealer(REDACTOR).seal(KEY, REDACTED));
        for (int i = 0; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x01;
            assertThat(sealer(REDACTOR).unseal(Base64.getEncoder().encodeToString(tampered), REDACTED))
                    .as("byte %d flipped", i).isEmpty();
        }
    }

    @Test
    void unseal_whenTruncatedOrNotBase64_isEmpty() {
        String sealed = sealer(REDACTOR).seal(KEY, REDACTED);

        assertThat(sealer(REDACTOR).unseal(sealed.substring(0, 20), REDACTED)).isEmpty();
        assertThat(sealer(REDACTOR).unseal("not base64 !", REDACTED)).isEmpty();
        assertThat(sealer(REDACTOR).unseal(null, REDACTED)).isEmpty();
    }

    @Test
    void unseal_underAnotherHmacKey_orForAnotherRedactedKey_failsAuthentication() {
        String sealed = sealer(REDACTOR).seal(KEY, REDACTED);
        KeyRedactor other = KeyRedactor.hmac("another-key-for-tests-0123456789".getBytes(StandardCharsets.UTF_8));

        assertThat(sealer(other).unseal(sealed, REDACTED)).isEmpty();
        // a sealed key moved next to another redacted key does not authenticate (the redacted key is the AAD)
        assertThat(sealer(REDACTOR).unseal(sealed, REDACTOR.apply("t:acme:user:someone-else"))).isEmpty();
    }

    @Test
    void sealer_whenRedactionIsOff_isAbsent() {
        assertThat(KeyRedactor.disabled().sealer()).isEmpty();
    }
}
