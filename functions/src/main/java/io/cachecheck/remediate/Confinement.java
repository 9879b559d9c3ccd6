package io.cachecheck.remediate;

import io.cachecheck.check.KeyText;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.Namespace;

/**
 * Keeps every action inside the tenant's own keys: the key must match its namespace's pattern and the pattern's
 * tenant placeholder must hold exactly the finding's tenant. Checked when planning and again right before acting,
 * because a plan may be stored and read back between the two.
 */
final class Confinement {
    private Confinement() {
    }

    /** The namespace the key may be acted on in, or null when it is outside the tenant's patterns. */
    static Namespace check(Contract contract, String tenant, String namespace, String key) {
        if (tenant == null || namespace == null || key == null) {
            return null;
        }
        Namespace ns = contract.namespaces().stream().filter(n -> n.name().equals(namespace)).findFirst().orElse(null);
        if (ns == null) {
            return null;
        }
        int tenantIndex = ns.keyPattern().placeholders().indexOf(contract.tenants().placeholder());
        if (tenantIndex < 0) {
            return null;
        }
        String[] values = ns.keyPattern().match(KeyText.parse(key));
        return values != null && tenant.equals(values[tenantIndex]) ? ns : null;
    }

    static boolean namespaceExists(Contract contract, String namespace) {
        return namespace != null && contract.namespaces().stream().anyMatch(n -> n.name().equals(namespace));
    }
}
