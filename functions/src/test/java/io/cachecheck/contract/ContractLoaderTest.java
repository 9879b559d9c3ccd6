package io.cachecheck.contract;

import io.cachecheck.error.ContractException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContractLoaderTest {
    private static final String VALID = """
            version: 1
            cache:
              url: redis://127.0.0.1:6379/3
            source:
              url: jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test
              auth:
                username: postgres
            tenants:
              sql: SELECT tenant_id FROM tenants WHERE active
              shardCount: 4
            namespaces:
              - name: order_summary
                keyPattern: "t:{tenant_id}:order:{order_id}"
                valueType: json
                sql: SELECT order_id, status, updated_at FROM orders WHERE tenant_id = :tenant_id AND order_id IN (:order_id)
                fields:
                  status: status
                  updatedAt: updated_at
                ignore: [cached_at]
                version: {field: updatedAt, column: updated_at}
            """;

    private static ContractLoader loader() {
        return ContractLoader.withEnvironment(Map.of("REDIS_HOST", "10.0.0.5")::get);
    }

    @Test
    void parse_whenValid_buildsContract() {
        Contract c = loader().parse(VALID);
        assertThat(c.cache().url()).isEqualTo("redis://127.0.0.1:6379/3");
        assertThat(c.tenants().shardCount()).isEqualTo(4);
        Namespace ns = c.namespace("order_summary");
        assertThat(ns.keyPattern().placeholders()).containsExactly("tenant_id", "order_id");
        assertThat(ns.keyColumns()).containsExactlyEntriesOf(Map.of("order_id", "order_id"));
        assertThat(ns.fields()).extracting(FieldMapping::field).containsExactly("status", "updatedAt");
        assertThat(ns.ignore()).containsExactly("cached_at");
        assertThat(ns.version()).isEqualTo(new VersionMapping("updatedAt", "updated_at"));
        assertThat(ns.sql().render("tenant_id", 3)).isEqualTo(
                "SELECT order_id, status, updated_at FROM orders WHERE tenant_id = ? AND order_id IN (?, ?, ?)");
        assertThat(c.check()).isEqualTo(CheckSettings.defaults());
    }

    @Test
    void parse_whenCompositeKey_keepsPlaceholderOrderInKeyColumns() {
        Contract c = loader().parse(VALID.replace("order:{order_id}", "order:{order_id}:{line_no}")
                .replace("IN (:order_id)", "IN (:order_id) AND line_no IN (:line_no)")
                .replace("    ignore:", "    keyColumns: {line_no: line, order_id: oid}\n    ignore:"));
        assertThat(c.namespace("order_summary").keyColumns().keySet()).containsExactly("order_id", "line_no");
        assertThat(c.namespace("order_summary").keyColumns().values()).containsExactly("oid", "line");
    }

    @Test
    void parse_whenUrlReferencesEnvironment_interpolates() {
        Contract c = loader().parse(VALID.replace("redis://127.0.0.1:6379/3", "redis://${REDIS_HOST}:${REDIS_PORT:-6380}"));
        assertThat(c.cache().url()).isEqualTo("redis://10.0.0.5:6380");
    }

    @Test
    void parse_whenEnvironmentVariableMissing_namesIt() {
        assertThatThrownBy(() -> loader().parse(VALID.replace("127.0.0.1:6379/3", "${NOPE}")))
                .isInstanceOf(ContractException.class).hasMessageContaining("cache.url").hasMessageContaining("NOPE is not set");
    }

    @Test
    void parse_whenSqlParameterIsNotAPlaceholder_namesIt() {
        assertThatThrownBy(() -> loader().parse(VALID.replace("IN (:order_id)", "IN (:orderid)")))
                .isInstanceOf(ContractException.class)
                .hasMessageContaining("namespaces[0] (order_summary).sql")
                .hasMessageContaining(":orderid is not a placeholder");
    }

    @Test
    void parse_whenPlaceholderNotBoundInSql_namesIt() {
        assertThatThrownBy(() -> loader().parse(VALID.replace("AND order_id IN (:order_id)", "")))
                .isInstanceOf(ContractException.class)
                .hasMessageContaining("key placeholder {order_id} is not used in sql");
    }

    @Test
    void parse_whenSqlDoesNotBindTheTenant_refusesAndSaysToBindIt() {
        // without the tenant in the query, each key would be compared with whichever tenant's row has its id
        assertThatThrownBy(() -> loader().parse(VALID.replace("tenant_id = :tenant_id AND ", "")))
                .isInstanceOf(ContractException.class)
                .hasMessage("namespaces[0] (order_summary).sql: the tenant placeholder {tenant_id} is not bound in sql, so each"
                        + " key would be compared with the row of any tenant that has the same id; add :tenant_id to the WHERE"
                        + " clause (e.g. WHERE tenant_id = :tenant_id AND ...); for a table shared by all tenants, see"
                        + " \"Tenant binding\" in docs/contract.md");
    }

    @Test
    void parse_whenTenantOnlyInACommentOrLiteral_refuses() {
        assertThatThrownBy(() -> loader().parse(VALID.replace("tenant_id = :tenant_id AND ", "tenant_id = ':tenant_id' AND ")))
                .isInstanceOf(ContractException.class).hasMessageContaining("the tenant placeholder {tenant_id} is not bound in sql");
        assertThatThrownBy(() -> loader().parse(VALID.replace("tenant_id = :tenant_id AND ", "/* :tenant_id */ ")))
                .isInstanceOf(ContractException.class).hasMessageContaining("the tenant placeholder {tenant_id} is not bound in sql");
    }

    @Test
    void parse_whenRenamedTenantPlaceholderNotBound_namesThatPlaceholder() {
        String renamed = VALID.replace("  shardCount: 4", "  shardCount: 4\n  placeholder: shop")
                .replace("t:{tenant_id}:order:", "t:{shop}:order:");
        assertThat(loader().parse(renamed.replace(":tenant_id", ":shop")).namespace("order_summary")).isNotNull();
        assertThatThrownBy(() -> loader().parse(renamed.replace("tenant_id = :tenant_id AND ", "")))
                .isInstanceOf(ContractException.class)
                .hasMessageStartingWith("namespaces[0] (order_summary).sql: the tenant placeholder {shop} is not bound in sql")
                .hasMessageContaining("add :shop to the WHERE clause");
    }

    @Test
    void parse_whenSharedTableBindsTheTenantInAnAlwaysTrueCondition_loads() {
        // the documented form for a table that all tenants share (docs/contract.md, "Tenant binding")
        Contract c = loader().parse(VALID.replace("tenant_id = :tenant_id AND ", ":tenant_id <> '' AND "));
        assertThat(c.namespace("order_summary").sql().parameterNames()).containsExactly("tenant_id", "order_id");
    }

    @Test
    void parse_whenScalarFieldIsAlsoTheParentOfANestedPath_namesBoth() {
        assertThatThrownBy(() -> loader().parse(VALID.replace("  status: status\n", "  price.amount: price\n      price: currency\n")))
                .isInstanceOf(ContractException.class)
                .hasMessage("namespaces[0] (order_summary).fields: 'price' and 'price.amount' conflict: price.amount reads price"
                        + " as a nested object, but price is itself mapped (to column currency); a JSON field holds a value or"
                        + " an object of fields, not both, so keep only one of them");
        // the same whatever the order of the two entries
        assertThatThrownBy(() -> loader().parse(VALID.replace("  status: status\n", "  price: currency\n      price.amount: price\n")))
                .isInstanceOf(ContractException.class)
                .hasMessageStartingWith("namespaces[0] (order_summary).fields: 'price' and 'price.amount' conflict");
        // deeper: a.b mapped and a.b.c mapped
        assertThatThrownBy(() -> loader().parse(VALID.replace("  status: status\n", "  a.b: x\n      a.b.c: y\n")))
                .isInstanceOf(ContractException.class)
                .hasMessageStartingWith("namespaces[0] (order_summary).fields: 'a.b' and 'a.b.c' conflict");
    }

    @Test
    void parse_whenIgnoredOrVersionFieldIsTheParentOfAMappedPath_namesBoth() {
        assertThatThrownBy(() -> loader().parse(VALID.replace("  status: status\n", "  price.amount: price\n")
                        .replace("ignore: [cached_at]", "ignore: [cached_at, price]")))
                .isInstanceOf(ContractException.class)
                .hasMessageStartingWith("namespaces[0] (order_summary).ignore: 'price' and 'price.amount' conflict:")
                .hasMessageContaining("but price is itself listed under ignore");
        assertThatThrownBy(() -> loader().parse(VALID.replace("ignore: [cached_at]", "ignore: [updatedAt.source]")))
                .isInstanceOf(ContractException.class)
                .hasMessageStartingWith("namespaces[0] (order_summary).ignore: 'updatedAt' and 'updatedAt.source' conflict:")
                .hasMessageContaining("but updatedAt is itself mapped (to column updated_at)");
        assertThatThrownBy(() -> loader().parse(VALID.replace("  status: status\n", "  meta.status: status\n")
                        .replace("{field: updatedAt,", "{field: meta,")))
                .isInstanceOf(ContractException.class)
                .hasMessageStartingWith("namespaces[0] (order_summary).version: 'meta' and 'meta.status' conflict:")
                .hasMessageContaining("but meta is itself the version field");
    }

    @Test
    void parse_whenNestedPathsShareAParent_loads() {
        Namespace ns = loader().parse(VALID.replace("  status: status\n", "  price.amount: price\n      price.currency: currency\n")
                .replace("ignore: [cached_at]", "ignore: [cached_at, price.note]")).namespace("order_summary");
        assertThat(ns.fields()).extracting(FieldMapping::field).containsExactly("price.amount", "price.currency", "updatedAt");
        assertThat(ns.ignore()).containsExactlyInAnyOrder("cached_at", "price.note");
    }

    @Test
    void parse_whenDottedPathHasAnEmptyName_rejects() {
        for (String bad : new String[] {"price..amount", ".price", "price."}) {
            assertThatThrownBy(() -> loader().parse(VALID.replace("  status: status\n", "  \"" + bad + "\": price\n")))
                    .as(bad).isInstanceOf(ContractException.class)
                    .hasMessage("namespaces[0] (order_summary).fields: '" + bad + "' needs a name on each side of every dot;"
                            + " a dotted name is a path into nested JSON objects, e.g. price.amount");
        }
        assertThatThrownBy(() -> loader().parse(VALID.replace("ignore: [cached_at]", "ignore: [\"meta.\"]")))
                .isInstanceOf(ContractException.class)
                .hasMessageStartingWith("namespaces[0] (order_summary).ignore: 'meta.' needs a name on each side of every dot");
        assertThatThrownBy(() -> loader().parse(VALID.replace("{field: updatedAt,", "{field: updatedAt..x,")))
                .isInstanceOf(ContractException.class)
                .hasMessageStartingWith("namespaces[0] (order_summary).version.field: 'updatedAt..x' needs a name on each side");
    }

    @Test
    void parse_whenHashFieldNamesContainDots_takesThemLiterally() {
        // a hash is flat: "a" and "a.b" are two different hash fields, not a value and a path into it
        Namespace ns = loader().parse(VALID.replace("valueType: json", "valueType: hash")
                .replace("  status: status\n", "  a: x\n      a.b: y\n      \"c.\": z\n")).namespace("order_summary");
        assertThat(ns.fields()).extracting(FieldMapping::field).containsExactly("a", "a.b", "c.", "updatedAt");
    }

    @Test
    void parse_whenKeyPatternLacksTenant_namesIt() {
        assertThatThrownBy(() -> loader().parse(VALID.replace("t:{tenant_id}:order:{order_id}", "order:{order_id}")
                        .replace("tenant_id = :tenant_id AND ", "")))
                .isInstanceOf(ContractException.class).hasMessageContaining("has no {tenant_id} placeholder");
    }

    @Test
    void parse_whenFieldsMissing_saysMissingMapping() {
        assertThatThrownBy(() -> loader().parse(VALID.replace("""
                        fields:
                          status: status
                          updatedAt: updated_at
                    """, "")))
                .isInstanceOf(ContractException.class).hasMessageContaining(".fields: missing mapping");
    }

    @Test
    void parse_whenInlinePassword_refusesIt() {
        assertThatThrownBy(() -> loader().parse(VALID.replace("username: postgres", "username: postgres\n    password: hunter2")))
                .isInstanceOf(ContractException.class).hasMessageContaining("source.auth.password")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> loader().parse(VALID.replace("redis://127.0.0.1", "redis://user:hunter2@127.0.0.1")))
                .isInstanceOf(ContractException.class).hasMessageContaining("cache.url: contains a password")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void parse_whenUnknownField_listsAllowedOnes() {
        assertThatThrownBy(() -> loader().parse(VALID.replace("keyPattern:", "keyPatern:")))
                .isInstanceOf(ContractException.class).hasMessageContaining("keyPatern: unknown field")
                .hasMessageEndingWith("(did you mean keyPattern?)");
        assertThatThrownBy(() -> loader().parse(VALID + "check:\n  graceMilis: 10\n"))
                .isInstanceOf(ContractException.class).hasMessageEndingWith("(did you mean graceMillis?)");
        assertThatThrownBy(() -> loader().parse(VALID + "check:\n  somethingElse: 10\n"))
                .isInstanceOf(ContractException.class).hasMessageEndingWith("deadlineSeconds, combineMinTenants, maxMembers");
    }

    @Test
    void parse_whenUnknownValueType_listsChoices() {
        assertThatThrownBy(() -> loader().parse(VALID.replace("valueType: json", "valueType: sortedset")))
                .isInstanceOf(ContractException.class).hasMessageContaining("unknown value type 'sortedset'")
                .hasMessageContaining("json, hash, string, set, zset, list");
    }

    /** A contract with one collection namespace; {@code body} replaces everything after the key pattern. */
    private static String collection(String body) {
        return VALID.substring(0, VALID.indexOf("namespaces:")) + """
                namespaces:
                  - name: roles
                    keyPattern: "t:{tenant_id}:user:{user_id}:roles"
                """ + body.indent(4);
    }

    @Test
    void parse_whenSet_mapsTheMemberColumn() {
        Contract c = loader().parse(collection("""
                valueType: set
                sql: SELECT user_id, role_id FROM user_roles WHERE tenant_id = :tenant_id AND user_id IN (:user_id)
                member: role_id
                """));
        Namespace ns = c.namespace("roles");
        assertThat(ns.valueType()).isEqualTo(ValueType.SET);
        assertThat(ns.memberColumn()).isEqualTo("role_id");
        assertThat(ns.scoreColumn()).isNull();
        assertThat(ns.keyColumns()).containsExactlyEntriesOf(Map.of("user_id", "user_id"));
        assertThat(c.check().maxMembers()).isEqualTo(CheckSettings.DEFAULT_MAX_MEMBERS);
    }

    @Test
    void parse_whenZsetWithScore_mapsBoth_andMaxMembersIsASetting() {
        Contract c = loader().parse(collection("""
                valueType: zset
                sql: SELECT user_id, item, points FROM ranks WHERE tenant_id = :tenant_id AND user_id IN (:user_id)
                member: item
                score: points
                """) + "check:\n  maxMembers: 500\n");
        assertThat(c.namespace("roles").scoreColumn()).isEqualTo("points");
        assertThat(c.check().maxMembers()).isEqualTo(500);
        assertThat(c.check().batchSize(ValueType.ZSET)).isEqualTo(500); // 1,000,000 / 501 > batchSize 500
        assertThat(c.check().batchSize(ValueType.JSON)).isEqualTo(500);
        assertThat(CheckSettings.defaults().batchSize(ValueType.SET)).isEqualTo(99); // 1,000,000 / 10,001
    }

    @Test
    void parse_whenListOrRankedZsetHasNoOrderBy_refusesWithTheFix() {
        String list = """
                valueType: list
                sql: SELECT user_id, item FROM recent WHERE tenant_id = :tenant_id AND user_id IN (:user_id) -- order by pos
                member: item
                """;
        assertThatThrownBy(() -> loader().parse(collection(list)))
                .isInstanceOf(ContractException.class)
                .hasMessage("namespaces[0] (roles).sql: a list is compared in order, so the sql must order each key's rows;"
                        + " add ORDER BY (e.g. ORDER BY position)");
        assertThatThrownBy(() -> loader().parse(collection(list.replace("valueType: list", "valueType: zset"))))
                .isInstanceOf(ContractException.class)
                .hasMessageContaining("a zset without a score column is compared in order")
                .hasMessageEndingWith("or map the score column with score: <column> to compare member and score pairs instead");
        assertThat(loader().parse(collection(list.replace("-- order by pos", "ORDER BY user_id, pos")))
                .namespace("roles").valueType()).isEqualTo(ValueType.LIST);
    }

    @Test
    void parse_whenCollectionHasScalarMappings_refusesEach() {
        String set = """
                valueType: set
                sql: SELECT user_id, role_id FROM user_roles WHERE tenant_id = :tenant_id AND user_id IN (:user_id)
                """;
        assertThatThrownBy(() -> loader().parse(collection(set + "fields: {role: role_id}\n")))
                .hasMessage("namespaces[0] (roles).fields: a set is compared member by member; name the column that holds"
                        + " each member with member: <column>");
        assertThatThrownBy(() -> loader().parse(collection(set + "member: role_id\nversion: {field: v, column: v}\n")))
                .hasMessage("namespaces[0] (roles).version: a set has no fields, so version does not apply; remove it");
        assertThatThrownBy(() -> loader().parse(collection(set)))
                .hasMessage("namespaces[0] (roles).member: missing; name the result column that holds each member, e.g. member: role_id");
        assertThatThrownBy(() -> loader().parse(collection(set + "member: role_id\nscore: role_id\n")))
                .hasMessage("namespaces[0] (roles).score: only a zset has scores; remove score, or use valueType: zset");
        assertThatThrownBy(() -> loader().parse(VALID.replace("    ignore: [cached_at]", "    member: status")))
                .hasMessage("namespaces[0] (order_summary).member: only for valueType set, zset or list; a json value maps"
                        + " its fields under fields:");
    }

    @Test
    void parse_whenFieldBothMappedAndIgnored_rejects() {
        assertThatThrownBy(() -> loader().parse(VALID.replace("ignore: [cached_at]", "ignore: [status]")))
                .isInstanceOf(ContractException.class).hasMessageContaining("'status' is also mapped");
    }

    @Test
    void parse_whenNotYaml_givesLine() {
        assertThatThrownBy(() -> loader().parse("cache: [unclosed"))
                .isInstanceOf(ContractException.class).hasMessageContaining("not valid YAML at line");
    }

    @Test
    void parse_whenYamlIsBroken_givesOneLineWithTheProblemsPosition() {
        assertThatThrownBy(() -> loader().parse("version: 1\ncheck:\n  batchSize: 5\n\tgraceMillis: 100\n"))
                .isInstanceOf(ContractException.class)
                .hasMessage("contract is not valid YAML at line 4, column 1: while scanning for the next token; found"
                        + " character '\\t(TAB)' that cannot start any token. (Do not use \\t(TAB) for indentation)");
        assertThatThrownBy(() -> loader().parse("version: 1\ncache: [unclosed\n"))
                .isInstanceOf(ContractException.class)
                .hasMessage("contract is not valid YAML at line 3, column 1: while parsing a flow sequence; expected ','"
                        + " or ']', but got <stream end>")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void parse_whenJdbcUrlNotWrapped_explains() {
        assertThatThrownBy(() -> loader().parse(VALID.replace("jdbc:aws-wrapper:postgresql:", "jdbc:postgresql:")))
                .isInstanceOf(ContractException.class).hasMessageContaining("AWS Advanced JDBC Wrapper URL");
    }

    @Test
    void parse_whenKeyDuplicated_rejectsNamingItsPath() {
        assertThatThrownBy(() -> loader().parse(VALID.replace("  shardCount: 4", "  shardCount: 4\n  shardCount: 5")))
                .isInstanceOf(ContractException.class)
                .hasMessage("tenants.shardCount: is given twice (line 11); keep one value (a repeated key would silently"
                        + " replace the first)");
        assertThatThrownBy(() -> loader().parse(VALID.replace("status: status", "status: status\n      status: other")))
                .hasMessageStartingWith("namespaces[0].fields.status: is given twice (line ");
    }

    @Test
    void parse_whenSeveralYamlDocuments_refusesTheSecondInsteadOfIgnoringIt() {
        assertThatThrownBy(() -> loader().parse(VALID + "---\n" + VALID))
                .isInstanceOf(ContractException.class)
                .hasMessage("contract holds a second YAML document (from line 22, after a --- line); cachecheck reads one"
                        + " document per file: merge the two, or put each contract in its own file");
        // a leading ---, and an empty document after a trailing ---, are one contract
        assertThat(loader().parse("---\n" + VALID + "---\n# end\n").namespaces()).hasSize(1);
    }

    @Test
    void parse_whenCacheUrlIsMalformed_namesCacheUrlAndTheForm() {
        assertThatThrownBy(() -> loader().parse(VALID.replace("redis://127.0.0.1:6379/3", "redis://[10.0.0.5]:6379/3")))
                .isInstanceOf(ContractException.class)
                .hasMessage("cache.url: 'redis://[10.0.0.5]:6379/3' is not a valid URL (Malformed IPv6 address at"
                        + " character 10); write redis://host:port/db, with an IPv6 address in brackets (redis://[::1]:6379/0)");
        assertThatThrownBy(() -> loader().parse(VALID.replace("redis://127.0.0.1:6379/3", "redis://cache_1:6379/3")))
                .hasMessageStartingWith("cache.url: 'redis://cache_1:6379/3' has no host and port that can be read; write");
        assertThatThrownBy(() -> loader().parse(VALID.replace("redis://127.0.0.1:6379/3", "redis://127.0.0.1:70000/3")))
                .hasMessage("cache.url: port 70000 is out of range; use 1-65535 (Redis listens on 6379 by default)");
        assertThatThrownBy(() -> loader().parse(VALID.replace("redis://127.0.0.1:6379/3", "redis://127.0.0.1:6379/3?protocol=3")))
                .hasMessageStartingWith("cache.url: '?protocol=3' is not used; remove it");
        assertThatThrownBy(() -> loader().parse(VALID.replace("redis://127.0.0.1:6379/3", "redis://app@127.0.0.1:6379/3")))
                .hasMessage("cache.url: a user name in the URL is not used; remove it and set cache.auth.username");
        assertThatThrownBy(() -> loader().parse(VALID.replace("redis://127.0.0.1:6379/3", "redis://127.0.0.1:6379/x")))
                .hasMessage("cache.url: database 'x' is not a number; use redis://host:port/0");
    }

    @Test
    void parse_whenTheDatabaseNumberIsBeyondTheServersDatabases_refusesAtLoad() {
        assertThatThrownBy(() -> loader().parse(VALID.replace("redis://127.0.0.1:6379/3", "redis://127.0.0.1:6379/99")))
                .isInstanceOf(ContractException.class)
                .hasMessage("cache.url: database 99 does not exist on a server with 16 databases (0-15); use one of those,"
                        + " or, if the server is configured with more (databases in redis.conf), set cache.databases to that"
                        + " number");
        assertThat(loader().parse(VALID.replace("redis://127.0.0.1:6379/3", "redis://127.0.0.1:6379/15")).cache().url())
                .endsWith("/15");
        assertThat(loader().parse(VALID.replace("  url: redis://127.0.0.1:6379/3", "  url: redis://127.0.0.1:6379/99\n  databases: 100"))
                .cache().url()).endsWith("/99");
        assertThatThrownBy(() -> loader().parse(VALID.replace("  url: redis://127.0.0.1:6379/3",
                "  url: redis://127.0.0.1:6379/3\n  mode: cluster")))
                .hasMessage("cache.url: Redis Cluster has only database 0; remove /3");
    }

    @Test
    void parse_whenSourceUrlWeakensTheReadOnlySession_refusesTheOption() {
        assertThatThrownBy(() -> loader().parse(VALID.replace("5432/test", "5432/test?readOnlyMode=ignore")))
                .isInstanceOf(ContractException.class)
                .hasMessage("source.url: sets readOnlyMode, which cachecheck controls itself to keep every source session"
                        + " read-only and one statement per query; remove readOnlyMode from the URL");
        assertThatThrownBy(() -> loader().parse(VALID.replace("jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test",
                "jdbc:aws-wrapper:mysql://127.0.0.1:3306/test?useSSL=false&allowMultiQueries=true")))
                .hasMessageContaining("remove allowMultiQueries from the URL");
    }

    @Test
    void parse_whenAQueryWritesOrStacksStatements_namesTheField() {
        assertThatThrownBy(() -> loader().parse(VALID.replace("SELECT tenant_id FROM tenants WHERE active",
                "DELETE FROM tenants WHERE tenant_id = 'x' RETURNING tenant_id")))
                .isInstanceOf(ContractException.class)
                .hasMessageStartingWith("tenants.sql: starts with DELETE, not SELECT or WITH; a contract query only reads");
        assertThatThrownBy(() -> loader().parse(VALID.replace("order_id IN (:order_id)",
                "order_id IN (:order_id); DROP TABLE orders; --")))
                .hasMessageStartingWith("namespaces[0] (order_summary).sql: holds more than one statement (the ';' at line 1,"
                        + " column ");
    }

    @Test
    void load_whenTheFileIsNotUtf8Text_saysWhereAndToSaveItAsUtf8(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("contract.yaml");
        java.nio.file.Files.write(file, VALID.getBytes(java.nio.charset.StandardCharsets.UTF_16));
        assertThatThrownBy(() -> loader().load(file)).isInstanceOf(ContractException.class)
                .hasMessage("contract file " + file + " is UTF-16 (it starts with that byte order mark); save it as UTF-8");
        java.nio.file.Files.write(file, VALID.getBytes(java.nio.charset.StandardCharsets.UTF_16LE));
        assertThatThrownBy(() -> loader().load(file))
                .hasMessage("contract file " + file + " holds a NUL byte at line 1, column 2, as a UTF-16 or binary file"
                        + " does; save it as UTF-8 text");
        java.nio.file.Files.write(file, VALID.replace("cached_at", "cach\u00e9d_at").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> loader().load(file))
                .hasMessage("contract file " + file + " is not UTF-8: byte 0xE9 at line 19, column 18 is not valid UTF-8"
                        + " (a Latin-1 or Windows-1252 file?); save the file as UTF-8");
        assertThatThrownBy(() -> loader().load(dir))
                .hasMessage("contract file " + dir + " is a directory; pass the path of the file");
        assertThatThrownBy(() -> loader().load(dir.resolve("missing.yaml")))
                .hasMessageEndingWith("does not exist; pass the path of your contract YAML");
        // a UTF-8 byte order mark is still UTF-8
        java.nio.file.Files.write(file, ("\uFEFF" + VALID).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(loader().load(file).namespaces()).hasSize(1);
    }

    @Test
    void parse_whenPositionalMarker_explains() {
        assertThatThrownBy(() -> loader().parse(VALID.replace("tenant_id = :tenant_id", "tenant_id = ?")))
                .isInstanceOf(ContractException.class).hasMessageContaining("positional '?'");
    }

    @Test
    void parse_whenBatchLargerThanBuffer_rejects() {
        assertThatThrownBy(() -> loader().parse(VALID + "check:\n  batchSize: 500\n  maxBufferedKeys: 100\n"))
                .isInstanceOf(ContractException.class).hasMessageContaining("check.maxBufferedKeys");
    }

    @Test
    void parse_whenAShapeIsWrong_saysWhatToWrite() {
        assertThatThrownBy(() -> loader().parse("version: 1\ncache: redis://x\n"))
                .hasMessage("cache: must be a mapping of fields (key: value lines, or {key: value}); see docs/contract.md");
        assertThatThrownBy(() -> loader().parse(VALID.replace("    ignore: [cached_at]", "    keyColumns: {id: order_id}")))
                .hasMessage("namespaces[0] (order_summary).keyColumns.id: 'id' is not a non-tenant placeholder of keyPattern"
                        + " 't:{tenant_id}:order:{order_id}'; use one of [order_id]");
        assertThatThrownBy(() -> loader().parse(VALID.substring(0, VALID.indexOf("namespaces:")) + "namespaces: []\n"))
                .hasMessageStartingWith("namespaces: must be a non-empty list of key namespaces; add one entry per cached key");
    }
}
