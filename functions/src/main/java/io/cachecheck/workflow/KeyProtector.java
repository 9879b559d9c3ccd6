package io.cachecheck.workflow;

import io.cachecheck.check.Finding;
import io.cachecheck.check.ShardResult;
import io.cachecheck.config.Settings;
import io.cachecheck.contract.Credentials;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.error.ContractException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Replaces cache keys in a shard result by {@code hmac-sha256:<hex>} when CACHECHECK_KEY_HMAC_SECRET_ARN is set,
 * for caches whose keys contain personal data. The same key always gives the same text, so runs stay comparable.
 */
final class KeyProtector {
    private KeyProtector() {
    }

    static ShardResult protect(ShardResult result, Settings settings, SecretResolver secrets) {
        String arn = settings.get(Settings.KEY_HMAC_SECRET_ARN);
        if (arn == null) {
            return result;
        }
        String secret = secrets.resolve(new Credentials(null, null, arn), Settings.KEY_HMAC_SECRET_ARN.name()).password();
        if (secret == null || secret.isEmpty()) {
            throw new ContractException(Settings.KEY_HMAC_SECRET_ARN.name() + ": the secret is empty; store a random key in it");
        }
        UnaryOperator<String> hmac = hmac(secret.getBytes(StandardCharsets.UTF_8));
        List<Finding> findings = result.findings().stream().map(f -> new Finding(f.tenant(), f.namespace(),
                hmac.apply(f.key()), f.driftClass(), f.reason(), f.fields(), f.cacheDigest(), f.sourceDigest(),
                f.valueDigest(), f.cacheVersion(), f.sourceVersion(), f.observedAt())).toList();
        return new ShardResult(result.shardId(), result.verdict(), result.startedAt(), result.finishedAt(),
                result.timings(), result.keysScanned(), result.keysIgnored(), result.counts(), result.expired(),
                result.unmappedSample().stream().map(hmac).toList(), result.results(), findings,
                result.findingsTruncated(), result.skipped());
    }

    static UnaryOperator<String> hmac(byte[] key) {
        return text -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                return "hmac-sha256:" + HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
            }
        };
    }
}
