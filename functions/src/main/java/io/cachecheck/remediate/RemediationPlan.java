package io.cachecheck.remediate;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What remediation would do for a set of findings.
 *
 * @param actions        one action per drifted key, sorted by tenant, namespace, key
 * @param excluded       findings that get no action, with the reason
 * @param executable     false when a cap is exceeded: then nothing at all is executed
 * @param blockedReasons why it is not executable; empty when it is
 * @param limits         the limits the plan was made under
 */
public record RemediationPlan(List<PlannedAction> actions, List<Excluded> excluded, boolean executable,
                              List<String> blockedReasons, Limits limits) {

    public RemediationPlan {
        actions = List.copyOf(actions);
        excluded = List.copyOf(excluded);
        blockedReasons = List.copyOf(blockedReasons);
    }

    /** The same plan with keys replaced, for output (e.g. a {@link io.cachecheck.redact.KeyRedactor}). Never execute it. */
    public RemediationPlan withKeys(UnaryOperator<String> keys) {
        return new RemediationPlan(actions.stream().map(a -> a.withKey(keys)).toList(),
                excluded.stream().map(e -> e.withKey(keys)).toList(), executable, blockedReasons, limits);
    }
}
