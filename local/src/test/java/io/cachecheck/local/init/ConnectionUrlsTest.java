package io.cachecheck.local.init;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectionUrlsTest {

    @Test
    void source_passwordInOptionsOrUserInfo_isTakenOutOfTheUrl() {
        ConnectionUrls.Source s = ConnectionUrls.source("jdbc:postgresql://db.internal:5432/shop?user=ro&password=s3cr%21t&sslmode=require");

        assertThat(s.url()).isEqualTo("jdbc:aws-wrapper:postgresql://db.internal:5432/shop?sslmode=require");
        assertThat(s.user()).isEqualTo("ro");
        assertThat(s.password()).isEqualTo("s3cr!t");

        ConnectionUrls.Source m = ConnectionUrls.source("jdbc:aws-wrapper:mariadb://ro:pw@127.0.0.1:3306/shop");
        assertThat(m.url()).isEqualTo("jdbc:aws-wrapper:mariadb://127.0.0.1:3306/shop");
        assertThat(m.user()).isEqualTo("ro");
        assertThat(m.password()).isEqualTo("pw");
    }

    @Test
    void cache_passwordInUserInfo_isTakenOutOfTheUrl() {
        ConnectionUrls.Cache c = ConnectionUrls.cache("rediss://app:p%40ss@cache.internal:6380/2");

        assertThat(c.url()).isEqualTo("rediss://cache.internal:6380/2");
        assertThat(c.user()).isEqualTo("app");
        assertThat(c.password()).isEqualTo("p@ss");
        assertThat(ConnectionUrls.cache("redis://:only@127.0.0.1").url()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(ConnectionUrls.cache("redis://:only@127.0.0.1").user()).isNull();
    }

    @Test
    void badUrls_areRefusedWithoutQuotingThem() {
        assertThatThrownBy(() -> ConnectionUrls.source("jdbc:oracle:thin:scott/tiger@host"))
                .hasMessageStartingWith("--source: the database must be postgresql, mysql or mariadb")
                .hasMessageNotContaining("tiger");
        assertThatThrownBy(() -> ConnectionUrls.cache("memcached://u:hunter2@host"))
                .hasMessageStartingWith("--cache: must be redis://")
                .hasMessageNotContaining("hunter2");
    }
}
