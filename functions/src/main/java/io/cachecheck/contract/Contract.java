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

    /** True when the cache or source endpoints (or secrets) are per cell: templates filled by {@link #inCell}. */
    public boolean cells() {
        return Cells.templated(cache, source);
    }

    /** Where {@code tenants.sql} runs: the catalog database ({@code tenants.source}) or the source. */
    public SourceSettings discoverySource() {
        return tenants.catalog() != null ? tenants.catalog() : source;
    }

    /** The contract of one cell, its templates filled and checked ({@link Cells#resolve}); unchanged without cells. */
    public Contract inCell(Cell cell) {
        return cell == null || !cells() ? this : Cells.resolve(this, cell.id(), cell.values());
    }

    public Contract withCheck(CheckSettings settings) {
        return new Contract(version, cache, source, tenants, settings, namespaces);
    }
}
