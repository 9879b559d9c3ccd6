package io.cachecheck.check;

import java.util.HashSet;
import java.util.Set;

/**
 * Sends each scanned key to its (tenant, namespace) batch, or counts it as ignored, or reports it as UNMAPPED.
 * Used by the scanning thread only.
 */
final class KeyRouter implements KeyConsumer {
    private final Set<String> tenants;
    private final Set<String> activeTenants;
    private final boolean report;
    private final ShardTally tally;
    private final KeyBatcher batcher;
    private final KeyClaim claims;

    /**
     * @param activeTenants every active tenant of the run (to tell an inactive tenant's keys from another shard's);
     *                      only used when the item reports unmapped keys
     */
    KeyRouter(RunContext run, Set<String> activeTenants, KeyBatcher batcher) {
        this.tenants = new HashSet<>(run.item().tenants());
        this.activeTenants = activeTenants == null ? Set.of() : activeTenants;
        this.report = run.item().reportUnmapped();
        this.tally = run.tally();
        this.batcher = batcher;
        this.claims = new KeyClaim(run.contract());
    }

    /**
     * Sends a scanned key to its (tenant, namespace) group. {@code cache.ignoreKeyPrefixes} is consulted only for
     * keys that no namespace claims for a tenant of this item: an ignore prefix that overlaps a namespace
     * (e.g. "shop:" for "shop:{tenant}:product:{id}") must not hide a tenant's keys, or the run would call
     * unchecked keys consistent.
     */
    @Override
    public void route(byte[] key, int nodeIndex) {
        KeyClaim.Match match = claims.claim(key);
        if (match != null) {
            int n = match.namespace();
            String[] values = match.values();
            String tenant = match.tenant();
            if (match.ambiguous()) {
                // two namespaces claim it equally: comparing it with either could call it drift, or consistent, wrongly
                if (claims.isIgnored(key)) {
                    tally.ignored();
                } else if (tenants.contains(tenant) || report && !activeTenants.contains(tenant)) {
                    tally.unmapped(nodeIndex, key, tenant, "ambiguous-namespace");
                }
                return;
            }
            if (!tenants.contains(tenant)) {
                if (claims.isIgnored(key)) {
                    tally.ignored();
                } else if (report && !activeTenants.contains(tenant)) {
                    tally.unmapped(nodeIndex, key, tenant, "inactive-tenant");
                }
                return;
            }
            int tenantIndex = claims.tenantIndex(n);
            String[] keyValues = new String[values.length - 1];
            for (int v = 0, k = 0; v < values.length; v++) {
                if (v != tenantIndex) {
                    keyValues[k++] = values[v];
                }
            }
            batcher.add(new Group(tenant, n), new ScannedKey(key, keyValues, nodeIndex));
            return;
        }
        if (claims.isIgnored(key)) {
            tally.ignored();
        } else if (report) {
            tally.unmapped(nodeIndex, key, null, "no-namespace");
        }
    }
}
