package io.cachecheck.local.init;

import java.util.Locale;
import io.cachecheck.cache.CachedValue;
import io.cachecheck.check.CachedValueDecoder;
import io.cachecheck.check.Canonicalizer;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.Namespace;
import io.cachecheck.decode.Decoded;
import io.cachecheck.source.JdbcSource;
import io.cachecheck.source.SourceRow;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a loaded draft on the sampled keys with the engine's own parts: the key pattern's match, the cache reads, the
 * value decoder ({@link CachedValueDecoder}), the source lookup ({@link JdbcSource#fetch}) and the comparison
 * ({@link Canonicalizer}). It reports, per namespace, how many sampled keys found a row and how many compared equal:
 * a namespace where few keys find a row has the wrong table or key column, one where rows are found but few values
 * are equal has a wrong field mapping. Reads only; no finding is stored.
 */
public final class DraftCheck {
    /**
     * One namespace's figures on the sample.
     *
     * @param checked     sampled keys of an active tenant that were read and compared
     * @param otherTenant sampled keys whose tenant is not in the draft's tenant list
     * @param foundRow    checked keys that found a source row
     * @param equal       checked keys whose value compared equal with the row (or a cached "no value" with no row)
     * @param undecodable checked keys whose value could not be decoded (CORRUPT)
     */
    public record NamespaceCheck(String namespace, int checked, int otherTenant, int foundRow, int equal, int undecodable) {
        public String line() {
            return namespace + ": " + checked + " sampled keys checked, " + foundRow + " found a row, " + equal
                    + " compared equal" + (undecodable == 0 ? "" : ", " + undecodable + " undecodable")
                    + (otherTenant == 0 ? "" : "; " + otherTenant + " more of a tenant not in tenants.sql");
        }
    }

    private DraftCheck() {
    }

    /**
     * @param keysByNamespace per namespace name, the sampled keys to check
     * @param nodeOf          the node each key was sampled on
     */
    public static List<NamespaceCheck> run(Contract contract, Map<String, List<String>> keysByNamespace,
                                           Map<String, Integer> nodeOf, KeySampler sampler, JdbcSource source) {
        String idColumn = contract.tenants().idColumn();
        Set<String> tenants = new HashSet<>();
        for (Map<String, Object> row : source.query(contract.tenants().sql())) {
            Object id = idColumn == null ? row.values().iterator().next() : row.get(idColumn.toLowerCase(Locale.ROOT));
            if (id != null) {
                tenants.add(id.toString());
            }
        }
        String placeholder = contract.tenants().placeholder();
        int maxValueBytes = contract.check().maxValueBytes();
        List<NamespaceCheck> out = new ArrayList<>();
        for (Namespace ns : contract.namespaces()) {
            List<String> keys = keysByNamespace.getOrDefault(ns.name(), List.of());
            int tenantIndex = ns.keyPattern().placeholders().indexOf(placeholder);
            // per tenant and node: the keys and their non-tenant placeholder values
            Map<String, List<byte[]>> byGroup = new LinkedHashMap<>();
            Map<String, List<String[]>> valuesByGroup = new LinkedHashMap<>();
            int otherTenant = 0;
            for (String key : keys) {
                byte[] raw = key.getBytes(StandardCharsets.UTF_8);
                String[] values = ns.keyPattern().match(raw);
                if (values == null) {
                    continue;
                }
                if (!tenants.contains(values[tenantIndex])) {
                    otherTenant++;
                    continue;
                }
                String[] keyValues = new String[values.length - 1];
                for (int v = 0, k = 0; v < values.length; v++) {
                    if (v != tenantIndex) {
                        keyValues[k++] = values[v];
                    }
                }
                String group = values[tenantIndex] + "\u0000" + nodeOf.get(key);
                byGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(raw);
                valuesByGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(keyValues);
            }
            int checked = 0;
            int found = 0;
            int equal = 0;
            int undecodable = 0;
            for (Map.Entry<String, List<byte[]>> group : byGroup.entrySet()) {
                String tenant = group.getKey().substring(0, group.getKey().indexOf('\u0000'));
                int node = Integer.parseInt(group.getKey().substring(group.getKey().indexOf('\u0000') + 1));
                List<String[]> keyValues = valuesByGroup.get(group.getKey());
                List<CachedValue> values = sampler.readAs(node, group.getValue(), ns.valueType());
                JdbcSource.Fetched fetched = source.fetch(ns, placeholder, tenant, keyValues);
                for (int i = 0; i < values.size(); i++) {
                    if (values.get(i) instanceof CachedValue.Missing) {
                        continue; // gone since the sample
                    }
                    checked++;
                    SourceRow row = fetched.rows().get(JdbcSource.keyTuple(keyValues.get(i)));
                    found += row == null ? 0 : 1;
                    Decoded decoded = CachedValueDecoder.decode(ns, values.get(i), maxValueBytes);
                    if (decoded.corrupt()) {
                        undecodable++;
                    } else if (row == null ? decoded.cachedNull() : Canonicalizer.compare(ns, decoded, row).equal()) {
                        equal++;
                    }
                }
            }
            out.add(new NamespaceCheck(ns.name(), checked, otherTenant, found, equal, undecodable));
        }
        return out;
    }
}
