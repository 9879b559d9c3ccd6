package io.cachecheck.shard;

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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What tenants.sql returns that cannot be a tenant (real PostgreSQL). */
class TenantDiscoveryIT {
    static final String SCHEMA = "cc_it_discovery";

    @BeforeEach
    void seed() throws Exception {
        try (Connection db = pg(); Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            st.execute("CREATE SCHEMA " + SCHEMA);
            st.execute("CREATE TABLE " + SCHEMA + ".tenants (tenant_id text, active boolean)");
            st.execute("INSERT INTO " + SCHEMA + ".tenants VALUES ('acme', true), (NULL, true), ('globex', true)");
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

    private static ShardPlanner.Tenants discover(String tenantsSql) {
        Contract contract = ContractLoader.withEnvironment(k -> null).parse("""
                version: 1
                cache: {url: "redis://127.0.0.1:6379/14"}
                source: {url: "jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test", auth: {username: postgres}}
                tenants: {sql: "%s"}
                namespaces:
                  - name: item
                    keyPattern: "td:{tenant_id}:item:{id}"
                    valueType: string
                    sql: "SELECT id, v FROM items WHERE tenant_id = :tenant_id AND id IN (:id)"
                    column: v
                """.formatted(tenantsSql));
        try (JdbcSource source = new JdbcSource(contract.source(), SecretResolver.withEnvironment(k -> null), 0, 10)) {
            return ShardPlanner.discover(contract, source);
        }
    }

    @Test
    void aNullTenantId_stopsDiscoveryAndSaysHowToFilterIt_insteadOfBeingDroppedSilently() {
        assertThatThrownBy(() -> discover("SELECT tenant_id FROM " + SCHEMA + ".tenants WHERE active"))
                .isInstanceOf(ContractException.class)
                .hasMessage("tenants.sql: a row has NULL as its tenant id (column tenant_id); every row must name one tenant:"
                        + " filter such rows out (WHERE tenant_id IS NOT NULL) or fix the data");

        assertThat(discover("SELECT tenant_id FROM " + SCHEMA + ".tenants WHERE active AND tenant_id IS NOT NULL").ids())
                .containsExactly("acme", "globex");
    }

    @Test
    void anIdColumnThatTenantsSqlDoesNotReturn_namesTheColumnsItDoes() {
        assertThatThrownBy(() -> discoverWithIdColumn("SELECT tenant_id, active FROM " + SCHEMA + ".tenants WHERE tenant_id IS NOT NULL"))
                .isInstanceOf(ContractException.class)
                .hasMessage("tenants.idColumn: column 'tenant' is not returned by tenants.sql; it returns [tenant_id, active];"
                        + " select it in tenants.sql, or set tenants.idColumn to one of those");
    }

    private static ShardPlanner.Tenants discoverWithIdColumn(String tenantsSql) {
        Contract contract = ContractLoader.withEnvironment(k -> null).parse("""
                version: 1
                cache: {url: "redis://127.0.0.1:6379/14"}
                source: {url: "jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test", auth: {username: postgres}}
                tenants: {sql: "%s", idColumn: tenant}
                namespaces:
                  - name: item
                    keyPattern: "td:{tenant_id}:item:{id}"
                    valueType: string
                    sql: "SELECT id, v FROM items WHERE tenant_id = :tenant_id AND id IN (:id)"
                    column: v
                """.formatted(tenantsSql));
        try (JdbcSource source = new JdbcSource(contract.source(), SecretResolver.withEnvironment(k -> null), 0, 10)) {
            return ShardPlanner.discover(contract, source);
        }
    }
}
