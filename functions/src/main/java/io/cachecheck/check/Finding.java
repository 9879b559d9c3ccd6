package io.cachecheck.check;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/**
 * One key that is not CONSISTENT. Holds keys, digests, versions and field names only: never a cached value or a
 * row value.
 *
 * @param tenant        tenant id (null for UNMAPPED keys whose tenant is unknown)
 * @param namespace     namespace name (null for UNMAPPED)
 * @param key           the exact key (non-printable bytes escaped as \xNN)
 * @param driftClass    the class
 * @param reason        a short machine-friendly reason, e.g. {@code fields-differ}, {@code row-missing}, {@code invalid-json}
 * @param fields        names of the mapped fields that differ (empty when not applicable)
 * @param cacheDigest   SHA-256 (hex) of the canonical cached value, or null
 * @param sourceDigest  SHA-256 (hex) of the canonical source row, or null
 * @param valueDigest   SHA-256 (hex) of the raw stored value as read (remediation re-checks it before acting), or null
 * @param cacheVersion  the cached version field, canonicalised, or null
 * @param sourceVersion the source version column, canonicalised, or null
 * @param observedAt    when the difference was first observed in this run
 * @param cell          the cell whose cache holds the key (a cell contract), or null
 */
public record Finding(String tenant, String namespace, String key, DriftClass driftClass, String reason,
                      List<String> fields, String cacheDigest, String sourceDigest, String valueDigest, String cacheVersion,
                      String sourceVersion, Instant observedAt,
                      @JsonInclude(JsonInclude.Include.NON_NULL)
                      String cell) {

    public Finding(String tenant, String namespace, String key, DriftClass driftClass, String reason,
                   List<String> fields, String cacheDigest, String sourceDigest, String valueDigest, String cacheVersion,
                   String sourceVersion, Instant observedAt) {
        this(tenant, namespace, key, driftClass, reason, fields, cacheDigest, sourceDigest, valueDigest, cacheVersion,
                sourceVersion, observedAt, null);
    }

    /** This finding, attributed to a cell. */
    public Finding inCell(String cellId) {
        return new Finding(tenant, namespace, key, driftClass, reason, fields, cacheDigest, sourceDigest, valueDigest,
                cacheVersion, sourceVersion, observedAt, cellId);
    }
}
