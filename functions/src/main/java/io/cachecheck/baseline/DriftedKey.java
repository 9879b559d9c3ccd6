package io.cachecheck.baseline;

import io.cachecheck.check.DriftClass;

import java.time.Instant;
import java.util.Objects;

/**
 * One key that was drifting when a baseline was taken.
 *
 * @param tenant          tenant id, or null for an UNMAPPED key whose tenant is unknown
 * @param namespace       namespace, or null for UNMAPPED
 * @param key             the key as output (escaped, or {@code hmac:<hex>} when keys are redacted)
 * @param driftClass      STALE, ORPHAN, CORRUPT or UNMAPPED
 * @param firstSeen       when this key was first seen drifting, carried forward across runs while it keeps drifting
 * @param firstSeenRunId  the run that first saw it
 */
public record DriftedKey(String tenant, String namespace, String key, DriftClass driftClass, Instant firstSeen,
                         String firstSeenRunId) {

    public DriftedKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(driftClass, "driftClass");
        Objects.requireNonNull(firstSeen, "firstSeen");
    }

    /** The identity of a drifted key across runs: tenant, namespace and key (the class may change). */
    public Id id() {
        return new Id(tenant, namespace, key);
    }

    /** Identity of a key across runs. */
    public record Id(String tenant, String namespace, String key) {
    }
}
