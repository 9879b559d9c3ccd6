package io.cachecheck.baseline;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 * @param cell            the cell whose cache holds the key (a cell contract), or null
 */
public record DriftedKey(String tenant, String namespace, String key, DriftClass driftClass, Instant firstSeen,
                         String firstSeenRunId,
                         @JsonInclude(JsonInclude.Include.NON_NULL)
                         String cell) {

    public DriftedKey(String tenant, String namespace, String key, DriftClass driftClass, Instant firstSeen,
                      String firstSeenRunId) {
        this(tenant, namespace, key, driftClass, firstSeen, firstSeenRunId, null);
    }

    public DriftedKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(driftClass, "driftClass");
        Objects.requireNonNull(firstSeen, "firstSeen");
    }

    /**
     * The identity of a drifted key across runs: tenant, namespace, key and cell (the class may change). Two cells'
     * caches can hold the same unmapped key text: they are two drifted keys.
     */
    public Id id() {
        return new Id(tenant, namespace, key, cell);
    }

    /** Identity of a key across runs; {@code cell} is null without cells. */
    public record Id(String tenant, String namespace, String key, String cell) {
    }
}
