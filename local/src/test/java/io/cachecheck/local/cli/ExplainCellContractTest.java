package io.cachecheck.local.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * explain on a cell contract (docs/contract.md, "Cells") is refused with one line saying what to do, before it
 * connects anywhere, instead of a java.net.URI error about the unfilled {cache_host} template.
 */
class ExplainCellContractTest {

    private static final String CELL_CONTRACT = """
            version: 1
            cache:
              url: redis://{cache_host}:{cache_port}/11
            source:
              url: jdbc:aws-wrapper:postgresql://{db_host}:5432/cc_walk_{shard}
              auth:
                username: postgres
                passwordEnv: CELL_{shard}_DB_PASSWORD
            tenants:
              source:
                url: jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test
                auth:
                  username: postgres
              sql: SELECT tenant_id, cell, cache_host, cache_port, db_host FROM cc_walk_catalog.tenants WHERE active
              shardColumn: cell
              cellColumns: [cache_host, cache_port, db_host]
            namespaces:
              - name: customer
                keyPattern: "cc:{tenant_id}:customer:{customer_id}"
                valueType: json
                sql: SELECT customer_id, name, tier FROM customers WHERE tenant_id = :tenant_id AND customer_id IN (:customer_id)
                fields: {name: name, tier: tier}
            """;

    @Test
    void aCellContract_isRefusedWithOneLineNamingTheContractAndTheWayOut(@TempDir Path dir) throws Exception {
        Path contract = Files.writeString(dir.resolve("cells.yaml"), CELL_CONTRACT);
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();

        int code = new CacheCheckCli(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8))
                .run(new String[]{"explain", "--contract", contract.toString(), "cc:acme:customer:2"});

        String err = stderr.toString(StandardCharsets.UTF_8);
        assertThat(code).isEqualTo(CacheCheckCli.INCOMPLETE_OR_ERROR);
        assertThat(stdout.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.strip()).doesNotContain("\n", "java.", "Illegal character")
                .startsWith("error: --contract: " + contract + " is a cell contract")
                .contains("explain does not support yet", "without tenants.cellColumns");
    }
}
