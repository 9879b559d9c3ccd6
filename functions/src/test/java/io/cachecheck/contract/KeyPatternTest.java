package io.cachecheck.contract;

import io.cachecheck.error.ContractException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyPatternTest {
    private final KeyPattern pattern = KeyPattern.parse("t:{tenant_id}:order_summary:{order_id}", "p");

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void match_whenKeyFits_returnsValuesInOrder() {
        assertThat(pattern.match(b("t:acme:order_summary:42"))).containsExactly("acme", "42");
    }

    @Test
    void match_whenLiteralRepeatsInLastValue_keepsItInLastValue() {
        assertThat(pattern.match(b("t:acme:order_summary:4:order_summary:2"))).containsExactly("acme", "4:order_summary:2");
    }

    @Test
    void match_whenPrefixOrLiteralDiffers_returnsNull() {
        assertThat(pattern.match(b("u:acme:order_summary:42"))).isNull();
        assertThat(pattern.match(b("t:acme:order:42"))).isNull();
        assertThat(pattern.match(b("t::order_summary:42"))).isNull();
        assertThat(pattern.match(b("t:acme:order_summary:"))).isNull();
    }

    @Test
    void match_whenSuffixLiteral_requiresIt() {
        KeyPattern p = KeyPattern.parse("{tenant_id}/user/{id}.json", "p");
        assertThat(p.match(b("acme/user/7.json"))).containsExactly("acme", "7");
        assertThat(p.match(b("acme/user/7.txt"))).isNull();
    }

    @Test
    void match_whenValueIsNotUtf8OrHasControlBytes_returnsNull() {
        byte[] key = {'t', ':', (byte) 0xff, (byte) 0xfe, ':', 'o', 'r', 'd', 'e', 'r', '_', 's', 'u', 'm', 'm', 'a', 'r', 'y', ':', '1'};
        assertThat(pattern.match(key)).isNull();
        assertThat(pattern.match(b("t:ac\nme:order_summary:1"))).isNull();
        assertThat(pattern.match(b("t:größe:order_summary:1"))).containsExactly("größe", "1");
    }

    @Test
    void format_buildsKey() {
        assertThat(pattern.format(Map.of("tenant_id", "acme", "order_id", "9"))).isEqualTo("t:acme:order_summary:9");
    }

    @Test
    void parse_whenPlaceholdersAdjacent_rejects() {
        assertThatThrownBy(() -> KeyPattern.parse("t:{tenant_id}{id}", "namespaces[0].keyPattern"))
                .isInstanceOf(ContractException.class).hasMessageContaining("namespaces[0].keyPattern").hasMessageContaining("adjacent");
    }

    @Test
    void parse_whenGlob_rejects() {
        assertThatThrownBy(() -> KeyPattern.parse("t:{tenant_id}:*", "p")).hasMessageContaining("glob character '*'");
    }

    @Test
    void parse_whenMalformed_namesThePatternAndTheFix() {
        assertThatThrownBy(() -> KeyPattern.parse("t:{tenant_id:x", "p"))
                .hasMessage("p: unclosed '{' at position 2 in key pattern 't:{tenant_id:x'; close the placeholder with '}'");
        assertThatThrownBy(() -> KeyPattern.parse("t:{tenant_id}:x}", "p"))
                .hasMessage("p: unmatched '}' at position 15 in key pattern 't:{tenant_id}:x}'; remove it, or open the"
                        + " placeholder with '{'");
        assertThatThrownBy(() -> KeyPattern.parse("t:{tenant_id}:{id}:{id}", "p"))
                .hasMessageEndingWith("; give each part of the key its own placeholder name");
        assertThatThrownBy(() -> KeyPattern.parse("t:{tenant_id}:{1d}", "p"))
                .hasMessageEndingWith("is not a valid name; use letters, digits and underscores, starting with a letter"
                        + " (e.g. {order_id})");
        assertThatThrownBy(() -> KeyPattern.parse("t:orders", "p"))
                .hasMessage("p: key pattern 't:orders' has no placeholder; add the tenant placeholder and the row key, e.g."
                        + " t:{tenant_id}:order:{order_id}");
    }
}
