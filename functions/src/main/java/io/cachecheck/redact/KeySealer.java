package io.cachecheck.redact;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * Encrypts real keys so that intermediate outputs (the stored shard results) carry only redacted keys, while
 * Aggregate can still recover the real ones to remediate them. AES-256-GCM with a random 96-bit nonce per key; the
 * AES key is HMAC-SHA256(hmacKey, "cachecheck-seal-v1"), so whoever can read the HMAC secret (Aggregate; the CLI's
 * {@code CACHECHECK_KEY_HMAC_KEY}) can unseal, and nobody else. The redacted key is the associated data: a sealed
 * key copied next to another redacted key does not authenticate.
 *
 * <p>Sealed form: base64(nonce ‖ ciphertext ‖ tag). Thread-safe (a Cipher per call).
 */
public final class KeySealer {
    static final String DERIVATION_LABEL = "cachecheck-seal-v1";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec aesKey;

    private KeySealer(SecretKeySpec aesKey) {
        this.aesKey = aesKey;
    }

    /** Derives the sealing key from the HMAC key of a {@link KeyRedactor}. */
    static KeySealer derive(SecretKeySpec hmacKey) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(hmacKey);
            return new KeySealer(new SecretKeySpec(mac.doFinal(DERIVATION_LABEL.getBytes(StandardCharsets.UTF_8)), "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /**
     * @param key         the real key (escaped form, as the validator writes it)
     * @param redactedKey the key's redacted form, bound to the sealed key as associated data
     * @return base64(nonce ‖ ciphertext ‖ tag); two calls for the same key differ (fresh nonce)
     */
    public String seal(String key, String redactedKey) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, redactedKey);
            byte[] sealed = cipher.doFinal(key.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(NONCE_BYTES + sealed.length)
                    .put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is not available in this JVM", e);
        }
    }

    /**
     * The real key, or empty when {@code sealed} does not authenticate: tampered, sealed under another HMAC key, or
     * sealed for another redacted key. Never throws on bad input, so one bad entry cannot stop a run.
     */
    public Optional<String> unseal(String sealed, String redactedKey) {
        if (sealed == null || redactedKey == null) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(sealed);
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
        if (bytes.length < NONCE_BYTES + TAG_BITS / 8) {
            return Optional.empty();
        }
        try {
            byte[] nonce = java.util.Arrays.copyOf(bytes, NONCE_BYTES);
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, nonce, redactedKey);
            return Optional.of(new String(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES), StandardCharsets.UTF_8));
        } catch (AEADBadTagException tampered) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is not available in this JVM", e);
        }
    }

    /**
     * Seals bytes (a chunk of keys the scan phase stores) bound to {@code context}, e.g. the chunk's store key, so a
     * sealed chunk copied to another key does not authenticate.
     *
     * @return nonce ‖ ciphertext ‖ tag
     */
    public byte[] sealBytes(byte[] plain, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            byte[] sealed = cipher(Cipher.ENCRYPT_MODE, nonce, context).doFinal(plain);
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is not available in this JVM", e);
        }
    }

    /** The bytes {@link #sealBytes} sealed for {@code context}, or empty when they do not authenticate. */
    public Optional<byte[]> unsealBytes(byte[] sealed, String context) {
        if (sealed == null || sealed.length < NONCE_BYTES + TAG_BITS / 8) {
            return Optional.empty();
        }
        try {
            byte[] nonce = java.util.Arrays.copyOf(sealed, NONCE_BYTES);
            return Optional.of(cipher(Cipher.DECRYPT_MODE, nonce, context).doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES));
        } catch (AEADBadTagException tampered) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is not available in this JVM", e);
        }
    }

    private Cipher cipher(int mode, byte[] nonce, String redactedKey) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, aesKey, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(redactedKey.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    @Override
    public String toString() {
        return "KeySealer[aes-256-gcm]";
    }
}
