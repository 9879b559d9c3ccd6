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
 * @param maxConcurrency shards validated at once (Map MaxConcurrency), 1..10000
 * @param remediate      whether drift may be repaired
 * @param baseline       {@code latest}, {@code none} or a run id
 * @param remediation    the caps of remediation (defaults: {@link Limits#defaults()})
 * @param sample         the share of keys to check, above 0 and below 1; null = every key (docs/scale.md, "Sampling")
 * @param throttle       the run's caps on cache reads and source queries per second (docs/scale.md, "Throttling")
 */
public record ExecutionInput(Mode mode, List<String> tenantScope, GateThresholds gate, int maxConcurrency,
                             boolean remediate, String baseline, Limits remediation, Double sample, Throttle throttle) {
    public ExecutionInput {
        tenantScope = tenantScope == null ? List.of() : List.copyOf(tenantScope);
        remediation = remediation == null ? Limits.defaults() : remediation;
        throttle = throttle == null ? Throttle.NONE : throttle;
    }

    public ExecutionInput(Mode mode, List<String> tenantScope, GateThresholds gate, int maxConcurrency,
                          boolean remediate, String baseline, Limits remediation) {
        this(mode, tenantScope, gate, maxConcurrency, remediate, baseline, remediation, null, null);
    }

    /** Whether only a sample of the keys is checked. */
    public boolean sampled() {
        return sample != null && sample < 1;
    }

    /**
     * The run's caps for a run of {@code items} work items: each item gets cap / min(maxConcurrency, items), since at
     * most that many run at once (docs/scale.md, "Throttling").
     */
    public io.cachecheck.check.ItemOptions itemOptions(int items) {
        int running = Math.max(1, Math.min(maxConcurrency, items));
        return new io.cachecheck.check.ItemOptions(sampled() ? sample : null,
                throttle.cacheReadsPerSecond() == null ? null : throttle.cacheReadsPerSecond() / running,
                throttle.sourceQueriesPerSecond() == null ? null : throttle.sourceQueriesPerSecond() / running);
    }

    public boolean allTenants() {
        return tenantScope.isEmpty();
    }
}
