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
 * @param regressions      findings that are new since the baseline (0 until baselines exist)
 */
public record RunSummary(Verdict verdict, int tenantsInScope, int tenantsValidated, int tenantsWithDrift,
                         long keysScanned, long keysChecked, long driftedKeys, Map<DriftClass, Long> counts,
                         double consistencyScore, double driftRatio, List<TenantScore> worstTenants, int shards,
                         int incompleteShards, long regressions) {

    /** A tenant's score, for the worst-tenants list. */
    public record TenantScore(String tenant, double score, long driftedKeys, long keysChecked) {
    }
}
