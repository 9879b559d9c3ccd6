package io.cachecheck.workflow;

import io.cachecheck.check.Verdict;

import java.util.List;

/**
 * What Aggregate returns: whether the run passes its gate, and why. The state machine's Choice reads
 * {@code passed}; a failed gate ends the execution with error {@code ConsistencyGateFailed} and {@code reason} as cause.
 */
public record GateDecision(boolean passed, String reason, Verdict verdict, List<String> worstTenants,
                           String auditLogRef, double consistencyScore, double driftRatio, long keysChecked,
                           long driftedKeys, int tenantsInScope, int tenantsValidated, int incompleteShards) {
}
