package io.cachecheck.baseline;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.cachecheck.check.DriftClass;

/**
 * Something that got worse since the baseline.
 *
 * @param kind          what got worse
 * @param key           for NEW_DRIFT: the key; null for SCORE_DROP
 * @param driftClass    for NEW_DRIFT: its class; null for SCORE_DROP
 * @param previousScore for SCORE_DROP: the baseline's score; null for NEW_DRIFT
 * @param currentScore  for SCORE_DROP: this run's score; null for NEW_DRIFT
 * @param cell          for NEW_DRIFT with a cell contract: the cell whose cache holds the key; else null
 */
public record Regression(Kind kind, String tenant, String namespace, String key, DriftClass driftClass,
                         Double previousScore, Double currentScore,
                         @JsonInclude(JsonInclude.Include.NON_NULL)
                         String cell) {

    public Regression(Kind kind, String tenant, String namespace, String key, DriftClass driftClass,
                      Double previousScore, Double currentScore) {
        this(kind, tenant, namespace, key, driftClass, previousScore, currentScore, null);
    }

    public enum Kind {
        /** A key drifts now that did not drift in the baseline. */
        NEW_DRIFT,
        /** A tenant/namespace's score dropped by more than the tolerance. */
        SCORE_DROP
    }

    static Regression newDrift(DriftedKey k) {
        return new Regression(Kind.NEW_DRIFT, k.tenant(), k.namespace(), k.key(), k.driftClass(), null, null, k.cell());
    }

    static Regression scoreDrop(NamespaceFigures previous, NamespaceFigures current) {
        return new Regression(Kind.SCORE_DROP, current.tenant(), current.namespace(), null, null, previous.score(), current.score());
    }
}
