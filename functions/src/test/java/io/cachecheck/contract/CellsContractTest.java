package io.cachecheck.contract;

import io.cachecheck.error.ContractException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Cell contracts: placeholders checked at load, values checked when a cell is filled (docs/contract.md, Cells). */
class CellsContractTest {
    private static final String CELLS = """
            version: 1
            cache:
              url: redis://{cache_host}:{cache_port}/0
              auth:
                passwordEnv: CACHE_{shard}_PASSWORD
            source:
              url: jdbc:aws-wrapper:postgresql://db-{shard}.internal:5432/shop_{shard}
              auth:
                username: ro_{shard}
                secretRef: arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop-{shard}
            tenants:
              source:
                url: jdbc:aws-wrapper:postgresql://catalog.internal:5432/catalog
              sql: SELECT tenant_id, cell, cache_host, cache_port FROM tenants WHERE active
              shardColumn: cell
              cellColumns: [cache_host, cache_port]
            namespaces:
              - name: customer
                keyPattern: "cc:{tenant_id}:customer:{id}"
                valueType: json
                sql: SELECT id, name FROM customers WHERE tenant_id = :tenant_id AND id IN (:id)
                fields: {name: name}
            """;

    private static Contract load(String yaml) {
        return ContractLoader.withEnvironment(Map.of("CATALOG", "catalog.internal")::get).parse(yaml);
    }

    @Test
    void load_whenCellTemplates_keepsThemForEachCell() {
        Contract c = load(CELLS);
        assertThat(c.cells()).isTrue();
        assertThat(c.tenants().cellColumns()).containsExactly("cache_host", "cache_port");
        assertThat(c.discoverySource().url()).isEqualTo("jdbc:aws-wrapper:postgresql://catalog.internal:5432/catalog");
        assertThat(c.cache().url()).isEqualTo("redis://{cache_host}:{cache_port}/0");
    }

    @Test
    void inCell_fillsEveryEndpointAndSecret_andNamesTheEndpointsWithoutCredentials() {
        Contract c = load(CELLS);
        Map<String, String> values = Map.of("cache_host", "cache-eu-1.abc.cache.amazonaws.com", "cache_port", "6380");
        Contract eu = c.inCell(new Cell("eu_1", values, null, null));
        assertThat(eu.cells()).isFalse();
        assertThat(eu.cache().url()).isEqualTo("redis://cache-eu-1.abc.cache.amazonaws.com:6380/0");
        assertThat(eu.cache().credentials().passwordEnv()).isEqualTo("CACHE_eu_1_PASSWORD");
        assertThat(eu.source().url()).isEqualTo("jdbc:aws-wrapper:postgresql://db-eu_1.internal:5432/shop_eu_1");
        assertThat(eu.source().credentials().username()).isEqualTo("ro_eu_1");
        assertThat(eu.source().credentials().secretRef()).isEqualTo("arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop-eu_1");
        Cell cell = Cells.cell(c, "eu_1", values);
        assertThat(cell.cache()).isEqualTo("cache-eu-1.abc.cache.amazonaws.com:6380/0");
        assertThat(cell.source()).isEqualTo("db-eu_1.internal:5432/shop_eu_1");
    }

    @Test
    void load_withoutTemplates_isNoCellContract_andUnchanged() {
        Contract c = load(CELLS.replace("{cache_host}:{cache_port}", "127.0.0.1:6379").replace("CACHE_{shard}_PASSWORD", "P")
                .replace("db-{shard}.internal:5432/shop_{shard}", "db:5432/shop").replace("ro_{shard}", "ro")
                .replace("shop-{shard}", "shop").replace("  cellColumns: [cache_host, cache_port]\n", ""));
        assertThat(c.cells()).isFalse();
        assertThat(c.inCell(new Cell("a", Map.of(), null, null))).isSameAs(c);
    }

    @Test
    void load_whenUnknownPlaceholder_namesItAndSuggests() {
        assertThatThrownBy(() -> load(CELLS.replace("{cache_host}:", "{cache_hots}:")))
                .isInstanceOf(ContractException.class)
                .hasMessage("cache.url: unknown placeholder {cache_hots}; use {shard} or a column listed in"
                        + " tenants.cellColumns [cache_host, cache_port] (did you mean cache_host?)");
        assertThatThrownBy(() -> load(CELLS.replace("ro_{shard}", "ro_{tenant_id}")))
                .hasMessageStartingWith("source.auth.username: unknown placeholder {tenant_id}; ");
    }

    @Test
    void load_whenDollarShard_saysThePlaceholderHasNoDollar() {
        assertThatThrownBy(() -> load(CELLS.replace("shop_{shard}", "shop_${shard}")))
                .hasMessage("source.url: environment variable shard is not set; set it or give a default as ${shard:-value}"
                        + " (a cell placeholder is written {shard}, without '$')");
    }

    @Test
    void load_whenBraceUnbalanced_refuses() {
        assertThatThrownBy(() -> load(CELLS.replace("shop_{shard}", "shop_{shard")))
                .hasMessageStartingWith("source.url: unbalanced '{' or '}'");
    }

    @Test
    void load_whenPlaceholdersWithoutShardColumn_refuses() {
        assertThatThrownBy(() -> load(CELLS.replace("shardColumn: cell", "shardCount: 2")))
                .hasMessageStartingWith("cache.url: cell placeholders need tenants.shardColumn");
    }

    @Test
    void load_whenSourcePerCellWithoutCatalog_requiresTenantsSource() {
        String noCatalog = CELLS.replace("  source:\n    url: jdbc:aws-wrapper:postgresql://catalog.internal:5432/catalog\n", "");
        assertThatThrownBy(() -> load(noCatalog)).hasMessageStartingWith("tenants.source: required when the source is per cell");
        // a cache per cell and one shared source: tenants.sql may run on the source
        Contract c = load(noCatalog.replace("db-{shard}.internal:5432/shop_{shard}", "db:5432/shop")
                .replace("ro_{shard}", "ro").replace("shop-{shard}", "shop"));
        assertThat(c.discoverySource()).isSameAs(c.source());
    }

    @Test
    void load_whenCatalogTemplated_refuses() {
        assertThatThrownBy(() -> load(CELLS.replace("catalog.internal:5432/catalog", "catalog-{shard}:5432/catalog")))
                .hasMessageStartingWith("tenants.source.url: placeholders are not allowed here");
    }

    @Test
    void load_whenCatalogHasPassword_refusesLikeSource() {
        assertThatThrownBy(() -> load(CELLS.replace("catalog.internal:5432/catalog", "catalog.internal:5432/catalog?password=x")))
                .hasMessageStartingWith("tenants.source.url: contains a password parameter");
    }

    @Test
    void load_whenCellColumnUnused_orReserved_refuses() {
        assertThatThrownBy(() -> load(CELLS.replace("[cache_host, cache_port]", "[cache_host, cache_port, db_host]")))
                .hasMessageStartingWith("tenants.cellColumns: 'db_host' is not used by any placeholder");
        assertThatThrownBy(() -> load(CELLS.replace("[cache_host, cache_port]", "[cache_host, cache_port, shard]")))
                .hasMessageStartingWith("tenants.cellColumns: 'shard' is listed twice or is the reserved placeholder");
        assertThatThrownBy(() -> load(CELLS.replace("[cache_host, cache_port]", "[cache_host, \"cache port\"]")))
                .hasMessageStartingWith("tenants.cellColumns: every entry must be a column name");
    }

    @Test
    void load_whenTemplateShapeIsWrong_refusesAtLoad() {
        assertThatThrownBy(() -> load(CELLS.replace("redis://{cache_host}:{cache_port}/0", "\"{cache_host}:{cache_port}/0\"")))
                .hasMessageStartingWith("cache.url: '{cache_host}:{cache_port}/0' must start with redis://");
        assertThatThrownBy(() -> load(CELLS.replace("{cache_port}/0", "{cache_port}/99")))
                .hasMessageStartingWith("cache.url: database 99 does not exist");
    }

    @Test
    void inCell_whenValueWouldInjectIntoUrl_refusesWithoutQuotingIt() {
        Contract c = load(CELLS);
        for (String bad : new String[] {"evil.com/x", "user@evil.com", "h?x=1", "h#frag", "h:1", "h%2F", "h x", ""}) {
            assertThatThrownBy(() -> Cells.cell(c, "a", Map.of("cache_host", bad, "cache_port", "6379")))
                    .as(bad).isInstanceOf(ContractException.class)
                    .hasMessageStartingWith("cache.url: cell a: the value of {cache_host} (")
                    .hasMessageContaining("cannot go into cache.url without changing what it names")
                    .satisfies(e -> assertThat(bad.isEmpty() || !e.getMessage().contains(bad)).as("value not quoted").isTrue());
        }
        assertThatThrownBy(() -> Cells.cell(c, "a", Map.of("cache_host", "user@evil.com", "cache_port", "6379")))
                .hasMessageStartingWith("cache.url: cell a: the value of {cache_host} (13 characters, with '@' at position 5)");
    }

    @Test
    void inCell_whenShardValueCannotNameAnEnvironmentVariable_refuses() {
        Contract c = load(CELLS);
        assertThatThrownBy(() -> Cells.cell(c, "eu-1", Map.of("cache_host", "h", "cache_port", "6379")))
                .hasMessageStartingWith("cache.auth.passwordEnv: cell eu-1: the value of {shard} (4 characters, with '-' at position 3)")
                .hasMessageContaining("letters, digits and '_' here (an environment variable name)");
    }

    @Test
    void inCell_whenFilledUrlIsInvalid_namesTheCell() {
        Contract c = load(CELLS);
        assertThatThrownBy(() -> Cells.cell(c, "a", Map.of("cache_host", "h", "cache_port", "70000")))
                .hasMessageStartingWith("cache.url (cell a): port 70000 is out of range");
        assertThatThrownBy(() -> Cells.cell(c, "a", Map.of("cache_host", "cache_1", "cache_port", "6379")))
                .hasMessageStartingWith("cache.url (cell a): 'redis://cache_1:6379/0' has no host and port that can be read");
        assertThatThrownBy(() -> Cells.cell(c, "a", Map.of("cache_port", "6379")))
                .hasMessageStartingWith("cache.url: cell a has no value for {cache_host}");
    }
}
