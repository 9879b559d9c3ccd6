package io.cachecheck.workflow;

import io.cachecheck.config.Settings;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.error.ContractException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContractSourceTest {
    private static final Contract CONTRACT = ContractLoader.withEnvironment(k -> null).parse("""
            version: 1
            cache: {url: "redis://127.0.0.1:6379/3"}
            source: {url: "jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test", auth: {username: postgres}}
            tenants: {sql: "SELECT tenant_id FROM tenants"}
            namespaces:
              - name: item
                keyPattern: "t:{tenant_id}:item:{id}"
                valueType: string
                sql: "SELECT id, v FROM items WHERE tenant_id = :tenant_id AND id IN (:id)"
                column: v
            """);

    @Test
    void theCacheEndpointSetting_replacesHostAndPort_keepingTheDatabase() {
        Contract c = ContractSource.applyOverrides(CONTRACT, Settings.of(Map.of("CACHECHECK_CACHE_ENDPOINT", "cache.internal:6380")));
        assertThat(c.cache().url()).isEqualTo("redis://cache.internal:6380/3");
    }

    @Test
    void aCacheEndpointThatMakesNoUrl_isRefusedNamingTheSetting() {
        assertThatThrownBy(() -> ContractSource.applyOverrides(CONTRACT,
                Settings.of(Map.of("CACHECHECK_CACHE_ENDPOINT", "[cache]:6380"))))
                .isInstanceOf(ContractException.class)
                .hasMessageStartingWith("CACHECHECK_CACHE_ENDPOINT (the host:port of cache.url): 'redis://[cache]:6380/3' is"
                        + " not a valid URL (");
    }
}
