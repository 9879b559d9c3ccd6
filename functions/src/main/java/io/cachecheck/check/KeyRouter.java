package io.cachecheck.check;

import io.cachecheck.sample.KeySample;

import java.util.HashSet;
import java.util.Set;

/**
 * Sends each scanned key to its (tenant, namespace) batch, or counts it as ignored, or reports it as UNMAPPED.
 * Which namespace and tenant claim a key is {@link KeyClaim}'s rule, shared with the scan phase ({@link SharedScan}).
 * Used by the scanning thread only.
 */
final class KeyRouter implements KeyConsumer {
    private final Set<String> tenants;
    private final Set<String> activeTenants;
    private final boolean report;
    private final ShardTally tally;
    private final KeyBatcher batcher;
    private final KeyClaim claims;
    /** Null when every key is checked. */
    private final KeySample.Tester sample;

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
        ItemOptions options = run.item().optionsOrNone();
        this.sample = options.sampled() ? new KeySample(options.sample()).tester() : null;
    }

    /**
     * Sends a scanned key to its (tenant, namespace) group. {@code cache.ignoreKeyPrefixes} is consulted only for
     * keys that no namespace claims for a tenant of this item: an ignore prefix that overlaps a namespace
     * (e.g. "shop:" for "shop:{tenant}:product:{id}") must not hide a tenant's keys, or the run would call
     * unchecked keys consistent.
     */
    @Override
    public void route(byte[] key, int nodeIndex) {
        if (sample != null && !sample.includes(key)) {
            // left out before any matching, value read or SQL; other applications' keys still count as ignored,
            // so a database of only those is still reported as an empty keyspace
            if (claims.isIgnored(key)) {
                tally.ignored();
            } else {
                tally.notSampled();
            }
            return;
        }
        Route r = decide(key);
        switch (r.kind()) {
            case GROUP -> batcher.add(new Group(r.tenant(), r.namespace()), new ScannedKey(key, r.keyValues(), nodeIndex));
            case IGNORED -> tally.ignored();
            case UNMAPPED -> tally.unmapped(nodeIndex, key, r.tenant(), r.reason());
            case OTHER_ITEM -> { } // another work item checks (or reports) this tenant's keys
        }
    }

    /** What {@link #route} does with a key, and why. */
    enum RouteKind { GROUP, IGNORED, UNMAPPED, OTHER_ITEM }

    /**
     * The routing decision for one key.
     *
     * @param namespace the index of the namespace that claims the key, or -1 when none does
     * @param tenant    the tenant placeholder's value, or null when no namespace matched
     * @param keyValues the non-tenant placeholder values in pattern order (only for {@link RouteKind#GROUP})
     * @param reason    the UNMAPPED reason ({@code no-namespace}, {@code inactive-tenant}, {@code ambiguous-namespace})
     */
    record Route(RouteKind kind, int namespace, String tenant, String[] keyValues, String reason) {
    }

    /**
     * Decides where a key goes: its (tenant, namespace) group, ignored, UNMAPPED (with the reason), or nowhere in this
     * work item. {@link #route} acts on it; {@code cachecheck explain} shows it.
     */
    Route decide(byte[] key) {
        KeyClaim.Match match = claims.claim(key);
        if (match != null) {
            int n = match.namespace();
            String[] values = match.values();
            String tenant = match.tenant();
            if (match.ambiguous()) {
                // two namespaces claim it equally: comparing it with either could call it drift, or consistent, wrongly
                if (claims.isIgnored(key)) {
                    return new Route(RouteKind.IGNORED, n, tenant, null, null);
                } else if (tenants.contains(tenant) || report && !activeTenants.contains(tenant)) {
                    return new Route(RouteKind.UNMAPPED, n, tenant, null, "ambiguous-namespace");
                }
                return new Route(RouteKind.OTHER_ITEM, n, tenant, null, null);
            }
            if (!tenants.contains(tenant)) {
                if (claims.isIgnored(key)) {
                    return new Route(RouteKind.IGNORED, n, tenant, null, null);
                } else if (report && !activeTenants.contains(tenant)) {
                    return new Route(RouteKind.UNMAPPED, n, tenant, null, "inactive-tenant");
                }
                return new Route(RouteKind.OTHER_ITEM, n, tenant, null, null);
            }
            int tenantIndex = claims.tenantIndex(n);
            String[] keyValues = new String[values.length - 1];
            for (int v = 0, k = 0; v < values.length; v++) {
                if (v != tenantIndex) {
                    keyValues[k++] = values[v];
                }
            }
            return new Route(RouteKind.GROUP, n, tenant, keyValues, null);
        }
        if (claims.isIgnored(key)) {
            return new Route(RouteKind.IGNORED, -1, null, null, null);
        } else if (report) {
            return new Route(RouteKind.UNMAPPED, -1, null, null, "no-namespace");
        }
        return new Route(RouteKind.OTHER_ITEM, -1, null, null, null);
    }
}
