package io.cachecheck.workflow;

import io.cachecheck.remediate.Limits;

import java.util.List;

/**
 * The normalized input of a state machine execution; see docs/workflow.md. Built by {@link ExecutionInputParser},
 * which fills the defaults and rejects anything invalid.
 *
 * @param mode           why the run was started
 * @param tenantScope    the tenants to check; empty = all active tenants
 * @param gate           the gate thresholds
 * @param maxConcurrency shards validated at once (Map MaxConcurrency), 1..40
 * @param remediate      whether drift may be repaired
 * @param baseline       {@code latest}, {@code none} or a run id
 * @param remediation    the caps of remediation (defaults: {@link Limits#defaults()})
 */
public record ExecutionInput(Mode mode, List<String> tenantScope, GateThresholds gate, int maxConcurrency,
                             boolean remediate, String baseline, Limits remediation) {
    public ExecutionInput {
        tenantScope = tenantScope == null ? List.of() : List.copyOf(tenantScope);
        remediation = remediation == null ? Limits.defaults() : remediation;
    }

    public boolean allTenants() {
        return tenantScope.isEmpty();
    }
}
