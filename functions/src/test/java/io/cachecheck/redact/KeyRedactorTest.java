package io.cachecheck.redact;

import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Finding;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.error.ContractException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyRedactorTest {
    private static final String SECRET = "k3y-for-tests-0123456789-abcdefgh";

    private static KeyRedactor redactor() {
        return KeyRedactor.create(new RedactionSettings(true, "CC_REDACTION_KEY", null),
                SecretResolver.withEnvironment(Map.of("CC_REDACTION_KEY", SECRET)::get));
    }

    @Test
    void apply_isDeterministicAcrossInstancesAndMatchesHmacSha256() throws Exception {
        String key = "t:acme:user:jane.doe@example.com";
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "hmac:" + java.util.HexFormat.of().formatHex(mac.doFinal(key.getBytes(StandardCharsets.UTF_8)));

        assertThat(redactor().apply(key)).isEqualTo(expected);
        assertThat(redactor().apply(key)).isEqualTo(expected);
        assertThat(expected).matches("hmac:[0-9a-f]{64}");
    }

    @Test
    void apply_whenKeysDiffer_outputsDiffer() {
        KeyRedactor r = redactor();
        assertThat(r.apply("t:acme:user:1")).isNotEqualTo(r.apply("t:acme:user:2"));
        assertThat(KeyRedactor.hmac("another-key-0123456789".getBytes(StandardCharsets.UTF_8)).apply("t:acme:user:1"))
                .isNotEqualTo(r.apply("t:acme:user:1"));
    }

    @Test
    void apply_usesExactKeyBytes_soEscapedFormHashesLikeRawBytes() {
        KeyRedactor r = redactor();
        byte[] raw = {'k', ':', (byte) 0xff};
        assertThat(r.apply("k:\\xff")).isEqualTo(KeyRedactor.PREFIX + io.cachecheck.check.Canonicalizer.hex(hmac(raw)));
    }

    @Test
    void redactFindings_replacesOnlyTheKey() {
        Finding f = new Finding("acme", "users", "t:acme:user:jane@example.com", DriftClass.STALE, "fields-differ",
                List.of("email"), "a".repeat(64), "b".repeat(64), "c".repeat(64), "1", "2", Instant.parse("2026-03-01T00:00:00Z"));
        Finding r = redactor().redactFindings(List.of(f)).get(0);

        assertThat(r).usingRecursiveComparison().ignoringFields("key").isEqualTo(f);
        assertThat(r.key()).isEqualTo(redactor().apply(f.key())).doesNotContain("jane");
    }

    @Test
    void disabled_leavesKeysAlone() {
        KeyRedactor off = KeyRedactor.create(RedactionSettings.disabled(), SecretResolver.withEnvironment(k -> null));
        assertThat(off.enabled()).isFalse();
        assertThat(off.apply("t:acme:user:1")).isEqualTo("t:acme:user:1");
        assertThat(off.scheme()).isEqualTo("plain");
    }

    @Test
    void schemeAndToString_neverContainTheSecret() {
        KeyRedactor r = redactor();
        assertThat(r.scheme()).matches("hmac-sha256:[0-9a-f]{16}").isEqualTo(redactor().scheme());
        assertThat(r.toString()).doesNotContain(SECRET).contains(r.scheme());
    }

    @Test
    void create_whenKeyVariableUnset_namesIt() {
        assertThatThrownBy(() -> KeyRedactor.create(new RedactionSettings(true, "NOPE", null), SecretResolver.withEnvironment(k -> null)))
                .isInstanceOf(ContractException.class).hasMessageContaining("NOPE is not set");
    }

    @Test
    void create_whenNoKeySource_saysWhatToSet() {
        assertThatThrownBy(() -> KeyRedactor.create(new RedactionSettings(true, null, null), SecretResolver.withEnvironment(k -> null)))
                .isInstanceOf(ContractException.class).hasMessageContaining("redaction.keyEnv or redaction.secretRef");
    }

    @Test
    void hmac_whenKeyTooShort_rejectsItWithoutEchoingIt() {
        assertThatThrownBy(() -> KeyRedactor.hmac("short-secret".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ContractException.class).hasMessageContaining("shorter than 16 bytes").hasMessageNotContaining("short-secret");
    }

    private static byte[] hmac(byte[] data) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(data);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
