package io.cachecheck.shard;

import io.cachecheck.cache.RedisNodes;
import io.cachecheck.check.ShardWorkItem;
import io.cachecheck.contract.Cell;
import io.cachecheck.contract.Cells;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.error.ContractException;
import io.cachecheck.source.JdbcSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A cell contract's tenants.sql on a catalog (real PostgreSQL, schema cc_cells_discovery): one cell per shard. */
class CellDiscoveryIT {
    static final String SCHEMA = "cc_cells_discovery";

    @BeforeEach
    void seed() throws Exception {
        try (Connection db = pg(); Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            st.execute("CREATE SCHEMA " + SCHEMA);
            st.execute("CREATE TABLE " + SCHEMA + ".tenants (tenant_id text, cell text, cache_host text, grp int)");
            st.execute("INSERT INTO " + SCHEMA + ".tenants VALUES ('acme', 'a', 'cache-a.internal', 1),"
                    + " ('globex', 'a', 'cache-a.internal', 1), ('initech', 'b', 'cache-b.internal', 1),"
                    + " ('hooli', 'b', 'cache-x.internal', 2), ('nullco', 'c', NULL, 3)");
        }
    }

    @AfterEach
    void drop() throws Exception {
        try (Connection db = pg(); Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    private static Connection pg() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
    }

    private static Contract contract(String where) {
        return contract("tenant_id, cell, cache_host", where);
    }

    private static Contract contract(String columns, String where) {
        return ContractLoader.withEnvironment(k -> null).parse("""
                version: 1
                cache: {url: "redis://{cache_host}:6379/0"}
                source: {url: "jdbc:aws-wrapper:postgresql://127.0.0.1:5432/shop_{shard}", auth: {username: postgres}}
                tenants:
                  source: {url: "jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test", auth: {username: postgres}}
                  sql: "SELECT %s FROM %s.tenants WHERE %s"
                  shardColumn: cell
                  cellColumns: [cache_host]
                namespaces:
                  - name: item
                    keyPattern: "cd:{tenant_id}:item:{id}"
                    valueType: string
                    sql: "SELECT id, v FROM items WHERE tenant_id = :tenant_id AND id IN (:id)"
                    column: v
                """.formatted(columns, SCHEMA, where));
    }

    private static ShardPlanner.Tenants discover(Contract contract) {
        try (JdbcSource catalog = new JdbcSource(contract.discoverySource(), SecretResolver.withEnvironment(k -> null), 0, 10)) {
            return ShardPlanner.discover(contract, catalog);
        }
    }

    @Test
    void discover_readsEachCellsValuesFromTheCatalog_andPlansOneItemPerCellReportingItsOwnUnmappedKeys() {
        Contract contract = contract("grp = 1");
        ShardPlanner.Tenants tenants = discover(contract);
        assertThat(tenants.cellValues()).isEqualTo(Map.of("a", Map.of("cache_host", "cache-a.internal"),
                "b", Map.of("cache_host", "cache-b.internal")));
        ShardPlanner.Placement placement = new ShardPlanner.Placement() {
            @Override
            public RedisNodes.Coverage coverage(String shard) {
                return RedisNodes.Coverage.of(List.of());
            }

            @Override
            public String cache(String shard) {
                return cell(shard).cache();
            }

            @Override
            public Cell cell(String shard) {
                return Cells.cell(contract, shard, tenants.cellValues().get(shard));
            }

            @Override
            public boolean cells() {
                return true;
            }
        };
        List<ShardWorkItem> items = ShardPlanner.plan(tenants, null, placement);
        assertThat(items).extracting(ShardWorkItem::shardId, i -> i.cell().cache(), i -> i.cell().source(),
                        ShardWorkItem::reportUnmapped)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("shard-a", "cache-a.internal:6379/0", "127.0.0.1:5432/shop_a", true),
                        org.assertj.core.groups.Tuple.tuple("shard-b", "cache-b.internal:6379/0", "127.0.0.1:5432/shop_b", true));
    }

    @Test
    void discover_whenTenantsOfOneShardGiveDifferentEndpoints_stops() {
        assertThatThrownBy(() -> discover(contract("grp IN (1, 2)")))
                .isInstanceOf(ContractException.class)
                .hasMessage("tenants.cellColumns: tenants 'initech' and 'hooli' of shard b have different cache_host values;"
                        + " all tenants of a shard are in one cell: fix the catalog rows, or make cache_host part of the shard value");
    }

    @Test
    void discover_whenACellValueIsNull_thatTenantIsInvalid_andFailsOnlyARunThatIncludesIt() {
        ShardPlanner.Tenants tenants = discover(contract("grp IN (1, 3)"));
        assertThat(tenants.invalidShard()).containsOnlyKeys("nullco");
        assertThat(tenants.invalidShard().get("nullco")).startsWith("tenants.cellColumns: tenant 'nullco' has NULL in cache_host");
        assertThatThrownBy(() -> ShardPlanner.plan(tenants, null, RedisNodes.Coverage.of(List.of())))
                .hasMessageStartingWith("tenants.cellColumns: tenant 'nullco' has NULL in cache_host");
        assertThat(ShardPlanner.plan(tenants, List.of("acme"), RedisNodes.Coverage.of(List.of())))
                .extracting(ShardWorkItem::shardId).containsExactly("shard-a");
    }

    @Test
    void discover_whenACellColumnIsNotSelected_namesTheColumnsTenantsSqlReturns() {
        Contract missing = contract("tenant_id, cell", "grp = 1");
        assertThatThrownBy(() -> discover(missing))
                .hasMessage("tenants.cellColumns: column 'cache_host' is not returned by tenants.sql; it returns [tenant_id, cell];"
                        + " select it in tenants.sql, or remove it from tenants.cellColumns");
    }
}
