package io.cachecheck.remediate;

import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;

/**
 * Test helper: a contract with a JSON namespace (no rebuild) and a hash namespace (rebuild, and CORRUPT values may be
 * remediated) under a test-specific key prefix.
 */
public final class TestContracts {
    private TestContracts() {
    }

    public static Contract contract(String prefix) {
        return contract(prefix, "orders");
    }

    /** The same contract, with CORRUPT values of the JSON namespace remediable too ({@code remediateUndecodable}). */
    public static Contract remediatingUndecodable(String prefix) {
        return ContractLoader.create().parse(text(prefix, "orders").replace("""
                    valueType: json
                """, """
                    valueType: json
                    remediateUndecodable: true
                """));
    }

    public static Contract contract(String prefix, String table) {
        return ContractLoader.create().parse(text(prefix, table));
    }

    private static String text(String prefix, String table) {
        return """
                version: 1
                cache:
                  url: redis://127.0.0.1:6379/7
                source:
                  url: jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test
                  auth:
                    username: postgres
                tenants:
                  sql: SELECT DISTINCT tenant_id FROM %2$s
                namespaces:
                  - name: orders
                    keyPattern: "%1$s:t:{tenant_id}:order:{order_id}"
                    valueType: json
                    sql: SELECT order_id, status FROM %2$s WHERE tenant_id = :tenant_id AND order_id IN (:order_id)
                    fields:
                      status: status
                  - name: profiles
                    keyPattern: "%1$s:t:{tenant_id}:profile:{order_id}"
                    valueType: hash
                    rebuild: true
                    remediateUndecodable: true
                    ttlSeconds: 600
                    sql: SELECT order_id, status FROM %2$s WHERE tenant_id = :tenant_id AND order_id IN (:order_id)
                    fields:
                      status: status
                """.formatted(prefix, table);
    }
}
