package io.cachecheck.local.init;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.contract.SourceSettings;
import io.cachecheck.local.init.SchemaCatalog.Column;
import io.cachecheck.local.init.SchemaCatalog.Table;
import io.cachecheck.local.init.ValueFormatInference.Format;
import io.cachecheck.local.init.ValueFormatInference.Layout;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DraftContractTest {
    private static final DraftContract.Connections CONN = new DraftContract.Connections("redis://127.0.0.1:6379/0", false, null,
            true, "jdbc:aws-wrapper:postgresql://127.0.0.1:5432/shop", SourceSettings.Dialect.POSTGRESQL, "ro",
            DraftContract.SOURCE_PASSWORD_ENV, true);

    private static List<String> keys(String prefix, String... namespaces) {
        List<String> keys = new ArrayList<>();
        for (String t : List.of("acme", "globex")) {
            for (String ns : namespaces) {
                for (int i = 1; i <= 3; i++) {
                    keys.add(prefix + ":" + t + ":" + ns + ":" + i);
                }
            }
        }
        return keys;
    }

    private static Format json(String... fields) {
        Map<String, Integer> f = new LinkedHashMap<>();
        for (String name : fields) {
            f.put(name, 6);
        }
        return new Format(Layout.JSON, List.of(), "JSON", f, 6, 6, 0, 0);
    }

    private static Table table(String name, String... columns) {
        return new Table("shop", name, java.util.Arrays.stream(columns).map(c -> new Column(c, c.equals("active") ? "boolean" : "text")).toList(),
                List.of(columns).subList(0, 2));
    }

    @Test
    void build_writesPasswordsAsEnvironmentReferences_andALoadableContract() {
        KeyPatternInference.Result inference = KeyPatternInference.infer(keys("s", "item"));
        SchemaCatalog catalog = new SchemaCatalog(List.of(table("items", "tenant_id", "item_id", "label", "update"),
                new Table("shop", "tenants", List.of(new Column("tenant_id", "text"), new Column("active", "boolean")), List.of("tenant_id"))));

        DraftContract.Draft draft = DraftContract.build(CONN, inference, List.of(json("label", "update")), catalog, List.of("test"));

        assertThat(draft.text()).contains("passwordEnv: CACHECHECK_SOURCE_PASSWORD   # TODO(init): password:",
                "passwordEnv: CACHECHECK_CACHE_PASSWORD   # TODO(init): password:",
                // a column named like a word the loader refuses unquoted is quoted
                "sql: \"SELECT item_id, label, \\\"update\\\" FROM shop.items WHERE tenant_id = :tenant_id AND item_id IN (:item_id)\"",
                "sql: \"SELECT tenant_id FROM shop.tenants WHERE active ORDER BY tenant_id\"");
        Contract contract = ContractLoader.create().parse(draft.text());
        assertThat(contract.namespaces()).extracting(ns -> ns.keyPattern().text()).containsExactly("s:{tenant_id}:item:{item_id}");
        assertThat(contract.source().credentials().passwordEnv()).isEqualTo("CACHECHECK_SOURCE_PASSWORD");
    }

    @Test
    void build_familyWithoutTable_isWrittenCommentedOutWithATodo_andTheFileStaysValidYaml() throws Exception {
        KeyPatternInference.Result inference = KeyPatternInference.infer(keys("s", "item", "ghost"));
        SchemaCatalog catalog = new SchemaCatalog(List.of(table("items", "tenant_id", "item_id", "label")));
        List<Format> formats = inference.families().stream().map(f -> f.name().equals("item") ? json("label") : json("boo")).toList();

        DraftContract.Draft draft = DraftContract.build(CONN, inference, formats, catalog, List.of());

        assertThat(draft.text()).contains("# TODO(init): no-table:", "  # - name: ghost",
                "# TODO(init): tenants: no tenants table was found",
                "sql: \"SELECT tenant_id AS tenant_id FROM shop.items\"");
        new YAMLMapper().readTree(draft.text());
        assertThat(ContractLoader.create().parse(draft.text()).namespaces()).extracting(ns -> ns.name()).containsExactly("item");
    }

    @Test
    void build_nothingMatched_saysSoAndIsStillYaml() throws Exception {
        KeyPatternInference.Result inference = KeyPatternInference.infer(keys("s", "item"));

        DraftContract.Draft draft = DraftContract.build(CONN, inference, List.of(json("label")), new SchemaCatalog(List.of()), List.of());

        assertThat(draft.text()).contains("# TODO(init): no-namespace:", "# TODO(init): tenants: no namespace matched");
        assertThat(new YAMLMapper().readTree(draft.text()).get("namespaces").isNull()).isTrue();
    }

    @Test
    void build_noFamilyAtAll_pointsAtTheUnmatchedKeys_notAtCommentedOutNamespaces() throws Exception {
        // One tenant only: no segment varies, so there is no tenant segment and every key is left over.
        KeyPatternInference.Result inference = KeyPatternInference.infer(List.of("cc:acme:customer:1", "cc:acme:customer:2"));

        DraftContract.Draft draft = DraftContract.build(CONN, inference, List.of(), new SchemaCatalog(List.of()), List.of());

        assertThat(inference.families()).isEmpty();
        assertThat(draft.text()).contains("# TODO(init): no-namespace: no key family was found in the sample (see"
                + " unmatched-keys below)", "# TODO(init): unmatched-keys:").doesNotContain("commented-out");
        assertThat(new YAMLMapper().readTree(draft.text()).get("namespaces").isNull()).isTrue();
    }

    @Test
    void build_twoTablesFittingExactlyAsWell_isATodoButTheNamespaceIsWritten() {
        KeyPatternInference.Result inference = KeyPatternInference.infer(keys("s", "item"));
        Table mine = table("items", "tenant_id", "item_id", "label");
        Table theirs = new Table("other", "items", mine.columns(), mine.primaryKey());

        DraftContract.Draft draft = DraftContract.build(CONN, inference, List.of(json("label")),
                new SchemaCatalog(List.of(mine, theirs)), List.of());

        assertThat(draft.text()).contains("# TODO(init): ambiguous-table: [other.items] fit exactly as well as shop.items");
        assertThat(ContractLoader.create().parse(draft.text()).namespaces()).hasSize(1);
    }
}
