package io.cachecheck.remediate;

import io.cachecheck.check.DriftClass;

import java.util.function.UnaryOperator;

/**
 * A finding that gets no action, and why: {@code in-flight}, {@code unmapped}, {@code unknown-namespace},
 * {@code outside-tenant-pattern}, {@code no-value-digest} or {@code duplicate}.
 */
public record Excluded(String tenant, String namespace, String key, DriftClass driftClass, String reason) {

    Excluded withKey(UnaryOperator<String> keys) {
        return new Excluded(tenant, namespace, keys.apply(key), driftClass, reason);
    }
}
