package io.cachecheck.workflow;

import io.cachecheck.check.Verdict;

import java.util.List;

/**
 * What Aggregate returns to the state machine. The Choice reads {@code passed}; a failed gate ends the execution with
 * error {@code ConsistencyGateFailed} and {@code reason} as cause. The decision itself is
 * {@link io.cachecheck.baseline.GateEvaluator}'s; this adds the figures a pipeline or an alarm needs.
 *
 * @param reason              verdict, the gate's reasons, worst tenants and the audit log location, in one line
 * @param regressions         new drifting keys and score drops since the baseline
 * @param resolved            baseline drift that is fixed now
 * @param remediationRequired keys the remediation plan has an action for
 * @param remediationApplied  keys remediation deleted in this run
 */
public record GateResult(boolean passed, String reason, Verdict verdict, List<String> worstTenants, String auditLogRef,
                         double consistencyScore, double driftRatio, long keysChecked, long driftedKeys,
                         int tenantsInScope, int tenantsValidated, int incompleteShards, long regressions,
                         long resolved, long remediationRequired, long remediationApplied) {
}
