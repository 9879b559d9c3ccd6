package io.cachecheck.contract;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SourceQueryTest {
    private static SourceQuery parse(String sql) {
        return SourceQuery.parse(sql, "namespaces[0].sql");
    }

    @Test
    void renderArrays_rewritesEveryInListToOneArrayParameter() {
        SourceQuery q = parse("SELECT a, b FROM t WHERE tenant_id = :tenant_id AND a in ( :a ) AND b IN(:b) ORDER BY a");
        assertThat(q.arrayBindable("tenant_id")).isTrue();
        assertThat(q.renderArrays("tenant_id"))
                .isEqualTo("SELECT a, b FROM t WHERE tenant_id = ? AND a = ANY(? ) AND b = ANY(?) ORDER BY a");
    }

    @Test
    void arrayBindable_isFalseWhenAListParameterIsNotAloneInAnInList() {
        assertThat(parse("SELECT id FROM t WHERE tenant_id = :tenant_id AND id NOT IN (:id)").arrayBindable("tenant_id")).isFalse();
        assertThat(parse("SELECT id FROM t WHERE tenant_id = :tenant_id AND id IN (:id, 0)").arrayBindable("tenant_id")).isFalse();
        assertThat(parse("SELECT id FROM t WHERE tenant_id = :tenant_id AND id = :id").arrayBindable("tenant_id")).isFalse();
        assertThat(parse("SELECT id FROM t WHERE tenant_id = :tenant_id AND id IN (:id) OR :id = ''").arrayBindable("tenant_id")).isFalse();
        assertThat(parse("SELECT id FROM t WHERE tenant_id = :tenant_id").arrayBindable("tenant_id")).isFalse();
    }

    @Test
    void arrayBindable_needsAWordBoundaryBeforeIn() {
        assertThat(parse("SELECT id FROM t WHERE tenant_id = :tenant_id AND id = min(:id)").arrayBindable("tenant_id")).isFalse();
    }

    @Test
    void combinable_needsArraysAndNoStatementSeparator() {
        assertThat(parse("SELECT id FROM t WHERE tenant_id = :tenant_id AND id IN (:id) -- no ; here").combinable("tenant_id")).isTrue();
        assertThat(parse("SELECT id FROM t WHERE tenant_id = :tenant_id AND id IN (:id) AND note <> ';'").combinable("tenant_id")).isTrue();
        assertThat(parse("SELECT id FROM t WHERE tenant_id = :tenant_id AND id IN (:id);").combinable("tenant_id")).isFalse();
        assertThat(parse("SELECT id FROM t WHERE tenant_id = :tenant_id AND id NOT IN (:id)").combinable("tenant_id")).isFalse();
    }

    @Test
    void parse_whenAQuoteOrCommentIsNotClosed_saysHowToCloseIt() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> parse("SELECT id FROM t /* note"))
                .hasMessage("namespaces[0].sql: unterminated /* comment in sql; close it with */");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> parse("SELECT id FROM t WHERE tenant_id = :tenant_id AND x = 'it"))
                .hasMessage("namespaces[0].sql: unterminated ' quote in sql; close it (a quote inside a literal is written twice)");
    }

    @Test
    void renderRange_rewritesTheKeyListToBetween() {
        SourceQuery q = parse("SELECT o.id, name FROM t o WHERE o.id IN ( :id ) AND o.tenant_id = :tenant_id ORDER BY 1");
        assertThat(q.rangeReadable("tenant_id", "id")).isTrue();
        assertThat(q.renderRange("tenant_id")).isEqualTo("SELECT o.id, name FROM t o WHERE o.id BETWEEN ? AND ? AND o.tenant_id = ? ORDER BY 1");
        assertThat(parse("SELECT id FROM t WHERE tenant_id = :tenant_id AND `id` IN (:id)").renderRange("tenant_id"))
                .isEqualTo("SELECT id FROM t WHERE tenant_id = ? AND `id` BETWEEN ? AND ?");
    }

    @Test
    void rangeReadable_onlyForOneKeyListOnTheKeyColumn() {
        assertThat(parse("SELECT id FROM t WHERE tenant_id = :tenant_id AND id IN (:id)").rangeReadable("tenant_id", "ID")).isTrue();
        assertThat(parse("SELECT id FROM t WHERE tenant_id = :tenant_id AND other_id IN (:id)").rangeReadable("tenant_id", "id")).isFalse();
        assertThat(parse("SELECT a, b FROM t WHERE tenant_id = :tenant_id AND a IN (:a) AND b IN (:b)").rangeReadable("tenant_id", "a")).isFalse();
        assertThat(parse("SELECT id FROM t WHERE tenant_id = :tenant_id AND id NOT IN (:id)").rangeReadable("tenant_id", "id")).isFalse();
        assertThat(parse("SELECT id FROM t WHERE tenant_id = :tenant_id AND lower(id) IN (:id)").rangeReadable("tenant_id", "id")).isFalse();
    }
}
