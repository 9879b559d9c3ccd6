package io.cachecheck.local.init;

import io.cachecheck.local.init.SchemaCatalog.Column;
import io.cachecheck.local.init.SchemaCatalog.Table;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TableMatcherTest {
    private static Table table(String name, List<String> pk, String... columns) {
        return new Table("shop", name, java.util.Arrays.stream(columns).map(c -> new Column(c, "text")).toList(), pk);
    }

    private static final Table CUSTOMERS = table("customers", List.of("tenant_id", "customer_id"),
            "tenant_id", "customer_id", "tier", "email_verified", "updated_at");
    private static final Table ORDERS = table("orders", List.of("tenant_id", "order_id"),
            "tenant_id", "order_id", "status", "total", "updated_at");
    private static final Table TENANTS = table("tenants", List.of("tenant_id"), "tenant_id", "active");
    private static final Table NO_TENANT = table("countries", List.of("code"), "code", "tier", "status");

    @Test
    void match_picksTheTableWhoseColumnsAreNamedLikeTheFields_andMapsCamelCaseToSnakeCase() {
        TableMatcher.Match m = TableMatcher.match("customer", 1, List.of("tier", "emailVerified", "updatedAt", "cachedAt"),
                List.of(ORDERS, CUSTOMERS, TENANTS, NO_TENANT));

        assertThat(m.table()).isEqualTo(CUSTOMERS);
        assertThat(m.tenantColumn()).isEqualTo("tenant_id");
        assertThat(m.idColumns()).containsExactly("customer_id");
        assertThat(m.fields()).extracting(f -> f.field() + "=" + f.column() + ":" + f.how()).containsExactly(
                "tier=tier:EXACT", "emailVerified=email_verified:NAME_STYLE", "updatedAt=updated_at:NAME_STYLE");
        assertThat(m.unmatched()).containsExactly("cachedAt");
        assertThat(m.alternatives()).isEmpty();
    }

    @Test
    void match_withoutATenantColumnOrWithAnotherKeyWidth_findsNoTable() {
        assertThat(TableMatcher.match("country", 1, List.of("tier", "status"), List.of(NO_TENANT))).isNull();
        // two id segments need two primary-key columns besides the tenant
        assertThat(TableMatcher.match("customer", 2, List.of("tier"), List.of(CUSTOMERS))).isNull();
        // no cached field named like any column: not this family's table
        assertThat(TableMatcher.match("customer", 1, List.of("x", "y"), List.of(CUSTOMERS))).isNull();
    }

    @Test
    void match_whenTwoTablesFitAlike_namesTheOtherAsAnAlternative() {
        Table archive = table("customers_archive", List.of("tenant_id", "customer_id"), "tenant_id", "customer_id", "tier");
        Table current = table("customer_current", List.of("tenant_id", "customer_id"), "tenant_id", "customer_id", "tier");

        TableMatcher.Match m = TableMatcher.match("customer", 1, List.of("tier"), List.of(archive, current));

        // both contain the name and map the one field: exactly as good, so init cannot decide
        assertThat(m.alternatives()).hasSize(1);
        assertThat(m.tied()).hasSize(1);

        Table copy = new Table("other", "customers", CUSTOMERS.columns(), CUSTOMERS.primaryKey());
        TableMatcher.Match tie = TableMatcher.match("customer", 1, List.of("tier"), List.of(CUSTOMERS, copy));
        assertThat(tie.table()).isEqualTo(CUSTOMERS);
        assertThat(tie.tied()).containsExactly("other.customers");
    }

    @Test
    void nameScore_singularAndPluralAreTheSameName() {
        assertThat(TableMatcher.nameScore("order", "orders")).isEqualTo(1);
        assertThat(TableMatcher.nameScore("category", "categories")).isEqualTo(1);
        assertThat(TableMatcher.nameScore("user", "app_users")).isEqualTo(0.5);
        assertThat(TableMatcher.nameScore("user", "orders")).isZero();
    }
}
