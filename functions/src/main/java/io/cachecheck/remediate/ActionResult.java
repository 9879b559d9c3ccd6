package io.cachecheck.remediate;

import io.cachecheck.check.DriftClass;

import java.util.function.UnaryOperator;

/**
 * What happened to one action.
 *
 * @param reason a short machine-friendly reason, e.g. {@code value-changed}, {@code key-gone},
 *               {@code redis-error:JedisConnectionException}; never a value
 */
public record ActionResult(String tenant, String namespace, String key, Action action, DriftClass driftClass,
                           Outcome outcome, String reason) {

    static ActionResult of(PlannedAction a, Outcome outcome, String reason) {
        return new ActionResult(a.tenant(), a.namespace(), a.key(), a.action(), a.driftClass(), outcome, reason);
    }

    ActionResult withKey(UnaryOperator<String> keys) {
        return new ActionResult(tenant, namespace, keys.apply(key), action, driftClass, outcome, reason);
    }
}
