package io.cachecheck.audit;

import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Verdict;

import java.util.List;
import java.util.Map;

/**
 * The figures of a run.
 *
 * @param tenantsInScope   tenants the run was asked to check
 * @param tenantsValidated tenants whose every namespace was checked to the end
 * @param keysChecked      every classified key: the tenants' keys plus UNMAPPED keys
 * @param driftedKeys      STALE + ORPHAN + CORRUPT + UNMAPPED
 * @param counts           keys per class
 * @param consistencyScore 100 × (1 − driftedKeys / keysChecked); 100 when nothing was checked
 * @param driftRatio       driftedKeys / keysChecked; 0 when nothing was checked
 * @param worstTenants     the tenants with the most drift, worst first (at most 5)
 * @param regressions      new drifting keys and score drops since the baseline (0 without a baseline)
 * @param persistent       keys drifting now and in the baseline
 * @param resolved         keys drifting in the baseline, checked now and no longer drifting
 * @param remediationRequired keys the remediation plan has an action for
 * @param remediationApplied  actions executed against the cache (APPLIED); 0 in a dry run
 */
public record RunSummary(Verdict verdict, int tenantsInScope, int tenantsValidated, int tenantsWithDrift,
                         long keysScanned, long keysChecked, long driftedKeys, Map<DriftClass, Long> counts,
                         double consistencyScore, double driftRatio, List<TenantScore> worstTenants, int shards,
                         int incompleteShards, long regressions, long persistent, long resolved,
                         long remediationRequired, long remediationApplied) {

    /** The same figures with the baseline comparison and remediation counts filled in. */
    public RunSummary with(long regressions, long persistent, long resolved, long remediationRequired,
                           long remediationApplied) {
        return new RunSummary(verdict, tenantsInScope, tenantsValidated, tenantsWithDrift, keysScanned, keysChecked,
                driftedKeys, counts, consistencyScore, driftRatio, worstTenants, shards, incompleteShards, regressions,
                persistent, resolved, remediationRequired, remediationApplied);
    }

    /** A tenant's score, for the worst-tenants list. */
    public record TenantScore(String tenant, double score, long driftedKeys, long keysChecked) {
    }
}
