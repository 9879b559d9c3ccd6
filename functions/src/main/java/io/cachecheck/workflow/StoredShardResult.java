package io.cachecheck.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachecheck.check.Finding;
import io.cachecheck.check.ShardResult;
import io.cachecheck.error.ContractException;
import io.cachecheck.redact.KeyRedactor;
import io.cachecheck.redact.KeySealer;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A shard result as ValidateShard stores it under {@code runs/<runId>/shards/<shardId>.json}: the
 * {@link ShardResult} fields, and, when keys are redacted, {@code keyScheme} (the redactor's scheme) and
 * {@code sealedKeys} (redacted key → the real key sealed by {@link KeySealer}). Then every key in the file is
 * redacted; Aggregate unseals the real keys only to remediate. Without redaction the file is the plain
 * {@link ShardResult}, as before.
 *
 * @param result     the result, keys as stored (redacted when {@code keyScheme} is set)
 * @param keyScheme  the redactor's scheme; null when keys are plain
 * @param sealedKeys redacted finding key → sealed real key; empty when keys are plain
 */
public record StoredShardResult(ShardResult result, String keyScheme, Map<String, String> sealedKeys) {
    private static final String KEY_SCHEME = "keyScheme";
    private static final String SEALED_KEYS = "sealedKeys";

    public StoredShardResult {
        sealedKeys = sealedKeys == null ? Map.of() : Map.copyOf(sealedKeys);
    }

    /** What Aggregate works with: the result with keys as written to outputs, and the real keys behind them. */
    public record Opened(ShardResult result, Map<String, String> realKeys) {
    }

    /**
     * Redacts every key of a fresh result (findings and the unmapped sample) and seals the finding keys; a disabled
     * redactor leaves the result as it is. Unmapped samples are not sealed: they are never remediated.
     */
    public static StoredShardResult of(ShardResult result, KeyRedactor redactor) {
        if (redactor.sealer().isEmpty()) {
            return new StoredShardResult(result, null, Map.of());
        }
        KeySealer sealer = redactor.sealer().get();
        Map<String, String> sealed = new TreeMap<>();
        for (Finding f : result.findings()) {
            sealed.computeIfAbsent(redactor.apply(f.key()), redacted -> sealer.seal(f.key(), redacted));
        }
        return new StoredShardResult(redactor.redact(result), redactor.scheme(), sealed);
    }

    public byte[] toJson() {
        ObjectNode node = Json.MAPPER.valueToTree(result);
        if (keyScheme != null) {
            node.put(KEY_SCHEME, keyScheme);
            ObjectNode sealed = node.putObject(SEALED_KEYS);
            sealedKeys.forEach(sealed::put);
        }
        return Json.bytes(node);
    }

    public static StoredShardResult fromJson(byte[] json) throws IOException {
        if (!(Json.MAPPER.readTree(json) instanceof ObjectNode node)) {
            throw new IOException("a stored shard result must be a JSON object");
        }
        JsonNode scheme = node.remove(KEY_SCHEME);
            JsonNode sealed = node.remove(SEALED_KEYS);
        Map<String, String> keys = new LinkedHashMap<>();
        if (sealed != null) {
            sealed.fields().forEachRemaining(e -> keys.put(e.getKey(), e.getValue().asText()));
        }
        return new StoredShardResult(Json.MAPPER.treeToValue(node, ShardResult.class),
                scheme == null ? null : scheme.asText(), keys);
    }

    /**
     * The result with keys as the redactor writes them, and for each finding key the real key behind it when it can
     * be recovered. A sealed key that does not authenticate has no entry: remediation reports it
     * {@code sealed-key-invalid}.
     *
     * @param location where the result was read from, for the error message
     */
    public Opened open(KeyRedactor redactor, String location) {
        Map<String, String> real = new LinkedHashMap<>();
        if (keyScheme == null) {
            // plain keys (redaction was off when the shard was validated): redact them for output now
            result.findings().forEach(f -> real.putIfAbsent(redactor.apply(f.key()), f.key()));
            return new Opened(redactor.redact(result), real);
        }
        if (!keyScheme.equals(redactor.scheme()) || redactor.sealer().isEmpty()) {
            throw new ContractException("shard result " + location + " has keys redacted as " + keyScheme
                    + " but this Aggregate redacts as " + redactor.scheme() + "; the HMAC secret changed during the run:"
                    + " start the run again");
        }
        KeySealer sealer = redactor.sealer().get();
        for (Finding f : result.findings()) {
            String sealed = sealedKeys.get(f.key());
            if (sealed != null && !real.containsKey(f.key())) {
                sealer.unseal(sealed, f.key()).ifPresent(key -> real.put(f.key(), key));
            }
        }
        return new Opened(result, real);
    }
}
