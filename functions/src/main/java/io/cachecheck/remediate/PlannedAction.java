package io.cachecheck.remediate;

import io.cachecheck.check.DriftClass;
import io.cachecheck.contract.ValueType;

import java.util.function.UnaryOperator;

/**
 * One action on one key.
 *
 * @param key         the key as the validator wrote it (escaped; {@link io.cachecheck.check.KeyText#parse} gives the bytes)
 * @param valueDigest SHA-256 (hex) of the raw value judged drifted; the executor acts only while the key still holds it
 */
public record PlannedAction(String tenant, String namespace, String key, ValueType valueType, Action action,
                            DriftClass driftClass, String valueDigest) {

    PlannedAction withKey(UnaryOperator<String> keys) {
        return new PlannedAction(tenant, namespace, keys.apply(key), valueType, action, driftClass, valueDigest);
    }
}
