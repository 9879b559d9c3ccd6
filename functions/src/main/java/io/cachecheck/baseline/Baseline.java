package io.cachecheck.baseline;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A snapshot of one run, kept so the next run can tell new drift from old: per tenant and namespace the counts,
 * score and side digests, and every drifting key with when it was first seen. Holds keys and digests, never values.
 *
 * @param version      format version of the JSON document ({@link #FORMAT_VERSION})
 * @param runId        the run that produced it
 * @param createdAt    when it was taken
 * @param keyScheme    how keys are written: {@code plain} or {@code hmac-sha256:<key id>}; baselines with different
 *                     schemes cannot be compared key by key
 * @param namespaces   figures per tenant and namespace
 * @param drifted      the drifting keys, sorted by tenant, namespace, key
 * @param sample       the share of keys whose state it knows (1 = every key): the run's sample, or more when the run
 *                     built on a baseline that knew more; a run can tell new drift from old only when its own sample
 *                     is no larger
 */
public record Baseline(int version, String runId, Instant createdAt, String keyScheme, List<NamespaceFigures> namespaces,
                       List<DriftedKey> drifted, double sample) {

    public Baseline(int version, String runId, Instant createdAt, String keyScheme, List<NamespaceFigures> namespaces,
                    List<DriftedKey> drifted) {
        this(version, runId, createdAt, keyScheme, namespaces, drifted, 1);
    }

    /** The format this code writes; readers accept this and older versions. */
    public static final int FORMAT_VERSION = 1;

    public Baseline {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(createdAt, "createdAt");
        keyScheme = keyScheme == null ? "plain" : keyScheme;
        namespaces = List.copyOf(namespaces);
        drifted = List.copyOf(drifted);
    }
}
