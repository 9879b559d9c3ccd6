package io.cachecheck.redact;

import io.cachecheck.check.Canonicalizer;
import io.cachecheck.check.Finding;
import io.cachecheck.check.KeyText;
import io.cachecheck.check.ShardResult;
import io.cachecheck.contract.Credentials;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.error.ContractException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Replaces keys in outputs (findings, samples, baselines, remediation reports) with {@code hmac:<hex>}, because
 * keys can carry personal data (e-mail addresses, phone numbers). HMAC-SHA256 under a fixed secret key is
 * deterministic, so baselines taken on different runs still compare key by key, and without the secret key the
 * outputs cannot be linked back to guessed keys (a plain hash could be reversed by hashing candidate keys).
 *
 * <p>The HMAC key is never logged and never part of {@link #toString()} or {@link #scheme()}.
 */
public final class KeyRedactor implements UnaryOperator<String> {
    static final String PREFIX = "hmac:";
    private static final int MIN_KEY_BYTES = 16;
    private static final KeyRedactor DISABLED = new KeyRedactor(null, "plain");

    private final SecretKeySpec secret;
    private final String scheme;
    // Mac is not thread-safe; findings are redacted from several threads in the aggregate
    private final ThreadLocal<Mac> mac;
    private final KeySealer sealer;

    private KeyRedactor(SecretKeySpec secret, String scheme) {
        this.secret = secret;
        this.scheme = scheme;
        this.mac = secret == null ? null : ThreadLocal.withInitial(this::newMac);
        this.sealer = secret == null ? null : KeySealer.derive(secret);
    }

    /** A redactor that leaves keys as they are. */
    public static KeyRedactor disabled() {
        return DISABLED;
    }

    /** A redactor with the given HMAC key (at least 16 bytes). */
    public static KeyRedactor hmac(byte[] key) {
        if (key == null || key.length < MIN_KEY_BYTES) {
            throw new ContractException("redaction key is shorter than " + MIN_KEY_BYTES
                    + " bytes; use a random secret of 32 bytes or more");
        }
        SecretKeySpec spec = new SecretKeySpec(key.clone(), "HmacSHA256");
        // the scheme names the key by a fingerprint, so a changed key is detected without revealing the key
        String keyId = Canonicalizer.hex(mac(spec, "cachecheck-redaction-key-id".getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        return new KeyRedactor(spec, "hmac-sha256:" + keyId);
    }

    /** Builds the redactor the settings ask for, reading the key from the environment or Secrets Manager. */
    public static KeyRedactor create(RedactionSettings settings, SecretResolver secrets) {
        if (settings == null || !settings.enabled()) {
            return disabled();
        }
        if (settings.keyEnv() == null && settings.secretRef() == null) {
            throw new ContractException("redaction: enabled but no key source; set redaction.keyEnv or redaction.secretRef");
        }
        String key = secrets.resolve(new Credentials(null, settings.keyEnv(), settings.secretRef()), "redaction").password();
        if (key == null || key.isEmpty()) {
            throw new ContractException("redaction: the key secret is empty; store a random string of 32 bytes or more");
        }
        return hmac(key.getBytes(StandardCharsets.UTF_8));
    }

    public boolean enabled() {
        return secret != null;
    }

    /**
     * Seals and unseals real keys under a key derived from this redactor's HMAC key; empty when redaction is off.
     */
    public Optional<KeySealer> sealer() {
        return Optional.ofNullable(sealer);
    }

    /** {@code plain}, or {@code hmac-sha256:<fingerprint of the key>}; recorded in baselines. */
    public String scheme() {
        return scheme;
    }

    /**
     * Redacts one key as output by the validator (escaped form). The HMAC is computed over the exact key bytes, so
     * the escaped and the raw form of a key give the same result.
     */
    @Override
    public String apply(String key) {
        if (secret == null || key == null) {
            return key;
        }
        Mac m = mac.get();
        return PREFIX + Canonicalizer.hex(m.doFinal(KeyText.parse(key)));
    }

    public Finding redact(Finding f) {
        if (secret == null) {
            return f;
        }
        return new Finding(f.tenant(), f.namespace(), apply(f.key()), f.driftClass(), f.reason(), f.fields(), f.cacheDigest(),
                f.sourceDigest(), f.valueDigest(), f.cacheVersion(), f.sourceVersion(), f.observedAt(), f.cell());
    }

    public List<Finding> redactFindings(List<Finding> findings) {
        return secret == null ? findings : findings.stream().map(this::redact).toList();
    }

    /**
     * A shard result with every key (findings, unmapped sample) redacted, for the audit log. Remediation must be
     * planned on the original result.
     */
    public ShardResult redact(ShardResult r) {
        if (secret == null) {
            return r;
        }
        return new ShardResult(r.shardId(), r.verdict(), r.startedAt(), r.finishedAt(), r.timings(), r.keysScanned(),
                r.keysIgnored(), r.counts(), r.expired(), redactKeys(r.unmappedSample()), r.results(),
                redactFindings(r.findings()), r.findingsTruncated(), r.skipped(), r.sampling(), r.cell());
    }

    /** For key samples such as the unmapped-key sample. */
    public List<String> redactKeys(List<String> keys) {
        return secret == null ? keys : keys.stream().map(this).toList();
    }

    @Override
    public String toString() {
        return "KeyRedactor[" + scheme + "]";
    }

    private Mac newMac() {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(secret);
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    private static byte[] mac(SecretKeySpec spec, byte[] data) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(spec);
            return m.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }
}
