package io.cachecheck.check;

import io.cachecheck.contract.Contract;
import io.cachecheck.contract.Namespace;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Which namespace, and so which tenant, claims a cache key, and whether {@code cache.ignoreKeyPrefixes} ignores it:
 * the one matching rule that both a work item's {@link KeyRouter} and the scan phase's {@link SharedScan} follow,
 * so a key stored for a shard by the scan phase is the key that shard's own SCAN would have routed.
 */
final class KeyClaim {
    /**
     * The namespace that claims a key.
     *
     * @param namespace index of the most specific matching namespace
     * @param values    the pattern's placeholder values, in pattern order (the tenant among them)
     * @param tenant    the tenant placeholder's value
     * @param ambiguous two namespaces claim the key equally specifically
     */
    record Match(int namespace, String[] values, String tenant, boolean ambiguous) {
    }

    private final List<Namespace> namespaces;
    /** Per namespace, the index of the tenant placeholder among the pattern's placeholders. */
    private final int[] tenantIndex;
    /** Per namespace, {@link io.cachecheck.contract.KeyPattern#literalBytes()}: the most specific match wins. */
    private final int[] literalBytes;
    private final byte[][] ignoredPrefixes;

    KeyClaim(Contract contract) {
        this.namespaces = contract.namespaces();
        this.tenantIndex = new int[namespaces.size()];
        this.literalBytes = new int[namespaces.size()];
        for (int n = 0; n < namespaces.size(); n++) {
            literalBytes[n] = namespaces.get(n).keyPattern().literalBytes();
            tenantIndex[n] = namespaces.get(n).keyPattern().placeholders().indexOf(contract.tenants().placeholder());
        }
        this.ignoredPrefixes = contract.cache().ignoreKeyPrefixes().stream()
                .map(p -> p.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    }

    int tenantIndex(int namespace) {
        return tenantIndex[namespace];
    }

    /**
     * The namespace that claims the key, or null when none matches. The most specific matching namespace claims
     * it: a pattern's last placeholder takes the rest of the key, so "p:{t}:product:{id}" also matches
     * "p:t1:product:5:title", which belongs to "p:{t}:product:{id}:title" wherever that namespace is listed.
     */
    Match claim(byte[] key) {
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
        return best < 0 ? null : new Match(best, bestValues, bestValues[tenantIndex[best]], ambiguous);
    }

    boolean isIgnored(byte[] key) {
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
