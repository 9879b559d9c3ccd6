package io.cachecheck.check;

import io.cachecheck.contract.Contract;
import io.cachecheck.contract.Namespace;
import io.cachecheck.sample.KeySample;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Sends each scanned key to its (tenant, namespace) batch, or counts it as ignored, or reports it as UNMAPPED.
 * Used by the scanning thread only.
 */
final class KeyRouter {
    private final List<Namespace> namespaces;
    private final Set<String> tenants;
    private final Set<String> activeTenants;
    private final boolean report;
    private final ShardTally tally;
    private final KeyBatcher batcher;
    /** Per namespace, the index of the tenant placeholder among the pattern's placeholders. */
    private final int[] tenantIndex;
    /** Per namespace, {@link io.cachecheck.contract.KeyPattern#literalBytes()}: the most specific match wins. */
    private final int[] literalBytes;
    private final byte[][] ignoredPrefixes;
    /** Null when every key is checked. */
    private final KeySample.Tester sample;

    /**
     * @param activeTenants every active tenant of the run (to tell an inactive tenant's keys from another shard's);
     *                      only used when the item reports unmapped keys
     */
    KeyRouter(RunContext run, Set<String> activeTenants, KeyBatcher batcher) {
        Contract contract = run.contract();
        this.namespaces = contract.namespaces();
        this.tenants = new HashSet<>(run.item().tenants());
        this.activeTenants = activeTenants == null ? Set.of() : activeTenants;
        this.report = run.item().reportUnmapped();
        this.tally = run.tally();
        this.batcher = batcher;
        this.tenantIndex = new int[namespaces.size()];
        this.literalBytes = new int[namespaces.size()];
        for (int n = 0; n < namespaces.size(); n++) {
            literalBytes[n] = namespaces.get(n).keyPattern().literalBytes();
            tenantIndex[n] = namespaces.get(n).keyPattern().placeholders().indexOf(contract.tenants().placeholder());
        }
        this.ignoredPrefixes = contract.cache().ignoreKeyPrefixes().stream()
                .map(p -> p.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        ItemOptions options = run.item().optionsOrNone();
        this.sample = options.sampled() ? new KeySample(options.sample()).tester() : null;
    }

    /**
     * Sends a scanned key to its (tenant, namespace) group. {@code cache.ignoreKeyPrefixes} is consulted only for
     * keys that no namespace claims for a tenant of this item: an ignore prefix that overlaps a namespace
     * (e.g. "shop:" for "shop:{tenant}:product:{id}") must not hide a tenant's keys, or the run would call
     * unchecked keys consistent.
     */
    void route(byte[] key, int nodeIndex) {
        if (sample != null && !sample.includes(key)) {
            // left out before any matching, value read or SQL; other applications' keys still count as ignored,
            // so a database of only those is still reported as an empty keyspace
            if (isIgnored(key)) {
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
        // The most specific matching namespace claims the key: a pattern's last placeholder takes the rest of
        // the key, so "p:{t}:product:{id}" also matches "p:t1:product:5:title", which belongs to
        // "p:{t}:product:{id}:title" wherever that namespace is listed.
        int best = -1;
        String[] bestValues = null;
        boolean ambiguous = false;
        for (int n = 0; n < namespaces.size(); n++) {
            String[] values = namespaces.get(n).keyPattern().match(key);
            if (values == null) {
                continue;
            }
            if (best < 0 || literalBytes[n] > literalBytes[best]) {
                best = n;
                bestValues = values;
                ambiguous = false;
            } else if (literalBytes[n] == literalBytes[best]) {
                ambiguous = true;
            }
        }
        if (best >= 0) {
            int n = best;
            String[] values = bestValues;
            String tenant = values[tenantIndex[n]];
            if (ambiguous) {
                // two namespaces claim it equally: comparing it with either could call it drift, or consistent, wrongly
                if (isIgnored(key)) {
                    return new Route(RouteKind.IGNORED, n, tenant, null, null);
                } else if (tenants.contains(tenant) || report && !activeTenants.contains(tenant)) {
                    return new Route(RouteKind.UNMAPPED, n, tenant, null, "ambiguous-namespace");
                }
                return new Route(RouteKind.OTHER_ITEM, n, tenant, null, null);
            }
            if (!tenants.contains(tenant)) {
                if (isIgnored(key)) {
                    return new Route(RouteKind.IGNORED, n, tenant, null, null);
                } else if (report && !activeTenants.contains(tenant)) {
                    return new Route(RouteKind.UNMAPPED, n, tenant, null, "inactive-tenant");
                }
                return new Route(RouteKind.OTHER_ITEM, n, tenant, null, null);
            }
            String[] keyValues = new String[values.length - 1];
            for (int v = 0, k = 0; v < values.length; v++) {
                if (v != tenantIndex[n]) {
                    keyValues[k++] = values[v];
                }
            }
            return new Route(RouteKind.GROUP, n, tenant, keyValues, null);
        }
        if (isIgnored(key)) {
            return new Route(RouteKind.IGNORED, -1, null, null, null);
        } else if (report) {
            return new Route(RouteKind.UNMAPPED, -1, null, null, "no-namespace");
        }
        return new Route(RouteKind.OTHER_ITEM, -1, null, null, null);
    }

    private boolean isIgnored(byte[] key) {
        for (byte[] prefix : ignoredPrefixes) {
            if (startsWith(key, prefix)) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        if (key.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (key[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
