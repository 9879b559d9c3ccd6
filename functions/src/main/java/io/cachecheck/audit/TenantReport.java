package io.cachecheck.audit;

import io.cachecheck.check.TenantNamespaceResult;
import io.cachecheck.check.Verdict;

import java.util.List;

/**
 * The results of one tenant, merged over the shards (and cluster nodes) that checked it.
 *
 * @param score      100 × (1 − drifted / keysChecked); 100 when nothing was checked
 * @param namespaces per namespace
 * @param note       why the tenant is INCOMPLETE, when it is
 */
public record TenantReport(String tenant, Verdict verdict, long keysChecked, long stale, long orphan, long corrupt,
                           long inFlight, double score, List<TenantNamespaceResult> namespaces, String note) {
    public long drifted() {
        return stale + orphan + corrupt;
    }
}
