package io.cachecheck.check;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KeyOrderTest {
    private static ScannedKey key(String id) {
        return new ScannedKey(("k:" + id).getBytes(java.nio.charset.StandardCharsets.UTF_8), new String[] {id}, 0);
    }

    @Test
    void sorted_ordersIntegerKeysByValueAndKeepsTheOthersAfterThemInTheirOrder() {
        List<ScannedKey> keys = List.of(key("10"), key("b"), key("-3"), key("9"), key("a"), key("0100"), key("99999999999999999999"));
        assertThat(KeyOrder.sorted(keys)).extracting(k -> k.keyValues()[0])
                .containsExactly("-3", "9", "10", "0100", "b", "a", "99999999999999999999");
    }
}
