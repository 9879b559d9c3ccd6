package io.cachecheck.contract;

import java.util.List;

/**
 * A consistency contract: how a cache maps to the database it caches. Built by {@link ContractLoader}, which
 * rejects an invalid contract with an error naming the field.
 */
public record Contract(int version, CacheSettings cache, SourceSettings source, TenantDiscovery tenants,
                       CheckSettings check, List<Namespace> namespaces) {

    public Namespace namespace(String name) {
        for (Namespace ns : namespaces) {
            if (ns.name().equals(name)) {
                return ns;
            }
        }
        throw new IllegalArgumentException("no namespace named " + name);
    }

    public Contract withCheck(CheckSettings settings) {
        return new Contract(version, cache, source, tenants, settings, namespaces);
    }
}
