package io.cachecheck.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.cachecheck.decode.chain.DecodeChain;
import io.cachecheck.error.ContractException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and validates a consistency contract (YAML). Every error names the field, what is wrong and how to fix it;
 * an invalid contract never reaches a check. See docs/contract.md for the reference.
 */
public final class ContractLoader {
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    private final Function<String, String> environment;

    private ContractLoader(Function<String, String> environment) {
        this.environment = environment;
    }

    /** A loader that resolves {@code ${VAR}} in URLs from the process environment. */
    public static ContractLoader create() {
        return new ContractLoader(System::getenv);
    }

    /** A loader with an explicit environment (tests, and the Lambda's typed settings). */
    public static ContractLoader withEnvironment(Function<String, String> environment) {
        return new ContractLoader(environment);
    }

    public Contract load(Path file) {
        if (!Files.exists(file)) {
            throw new ContractException("contract file " + file + " does not exist; pass the path of your contract YAML");
        }
        String text;
        try {
            text = io.cachecheck.config.TextFiles.readUtf8(file);
        } catch (io.cachecheck.config.TextFiles.Unreadable e) {
            throw new ContractException("contract file " + file + " " + e.getMessage());
        }
        return parse(text);
    }

    private static final Pattern YAML_MARK =
            Pattern.compile("^\\s*in '[^']*', line (\\d+), column (\\d+):?$");

    /**
     * One line for a YAML syntax error. The parser's message spans several lines and quotes the contract around the
     * problem; keep its sentences, and take the position from its last mark ("in 'reader', line N, column M", which
     * points at the problem), because the token location Jackson reports can be a line earlier.
     */
    static String yamlError(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        List<String> sentences = new ArrayList<>();
        boolean quoting = false;
        for (String line : message.split("\\R")) {
            Matcher mark = YAML_MARK.matcher(line);
            if (mark.matches()) {
                where = " at line " + mark.group(1) + ", column " + mark.group(2);
                quoting = true; // the next lines quote the contract and point at the column
                continue;
            }
            if (quoting && (line.isBlank() || line.startsWith("    "))) {
                continue;
            }
            quoting = false;
            if (!line.isBlank()) {
                sentences.add(line.strip());
            }
        }
        return "contract is not valid YAML" + where + ": " + String.join("; ", sentences);
    }

    /** The path of a key the YAML parser found twice in one mapping ({@code tenants.shardCount}), or null. */
    private static String duplicateField(JsonProcessingException e) {
        if (e.getOriginalMessage() == null || !e.getOriginalMessage().startsWith("Duplicate field")
                || !(e.getProcessor() instanceof com.fasterxml.jackson.core.JsonParser parser)) {
            return null;
        }
        java.util.Deque<String> parts = new java.util.ArrayDeque<>();
        for (com.fasterxml.jackson.core.JsonStreamContext c = parser.getParsingContext(); c != null && !c.inRoot();
             c = c.getParent()) {
            parts.addFirst(c.inArray() ? "[" + c.getCurrentIndex() + "]" : "." + c.getCurrentName());
        }
        String path = String.join("", parts);
        return path.startsWith(".") ? path.substring(1) : path;
    }

    public Contract parse(String yaml) {
        JsonNode root;
        YAMLMapper mapper = YAMLMapper.builder().enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        try (com.fasterxml.jackson.core.JsonParser documents = mapper.createParser(yaml)) {
            root = mapper.readTree(documents);
            // only the first document would be read: a second one (after ---) would be silently ignored
            for (com.fasterxml.jackson.core.JsonToken next = documents.nextToken(); next != null; next = documents.nextToken()) {
                if (next != com.fasterxml.jackson.core.JsonToken.VALUE_NULL) { // an empty document, as a trailing --- makes
                    throw new ContractException("contract holds a second YAML document (from line "
                            + documents.currentTokenLocation().getLineNr() + ", after a --- line); cachecheck reads one"
                            + " document per file: merge the two, or put each contract in its own file");
                }
            }
        } catch (JsonProcessingException e) {
            String duplicate = duplicateField(e);
            throw duplicate != null
                    ? new ContractException(duplicate + ": is given twice" + (e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ")") + "; keep one value (a repeated key would silently replace"
                    + " the first)")
                    : new ContractException(yamlError(e), e);
        } catch (IOException e) {
            throw new ContractException("contract cannot be read (" + e.getClass().getSimpleName() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new ContractException("contract is empty or not a YAML mapping; see docs/contract.md for an example");
        }
        allowOnly(root, "", "version", "cache", "source", "tenants", "check", "namespaces");
        int version = root.has("version") ? intField(root, "version", "", 1, 1) : 1;
        CacheSettings cache = cache(required(root, "cache", ""));
        SourceSettings source = source(required(root, "source", ""), "source");
        TenantDiscovery tenants = tenants(required(root, "tenants", ""));
        ReadOnlySql.check(tenants.sql(), "tenants.sql", tenants.catalog() != null ? tenants.catalog().dialect() : source.dialect());
        Cells.check(cache, source, tenants);
        CheckSettings check = check(root.get("check"));
        JsonNode nsNode = required(root, "namespaces", "");
        if (!nsNode.isArray() || nsNode.isEmpty()) {
            throw new ContractException("namespaces: must be a non-empty list of key namespaces; add one entry per cached key"
                    + " pattern (name, keyPattern, valueType, sql, fields), see docs/contract.md");
        }
        List<Namespace> namespaces = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < nsNode.size(); i++) {
            Namespace ns = namespace(nsNode.get(i), "namespaces[" + i + "]", tenants.placeholder());
            ReadOnlySql.check(ns.sql().text(), "namespaces[" + i + "] (" + ns.name() + ").sql", source.dialect());
            if (!names.add(ns.name())) {
                throw new ContractException("namespaces[" + i + "].name: '" + ns.name() + "' is used twice; namespace names must be unique");
            }
            for (Namespace other : namespaces) {
                if (other.keyPattern().text().equals(ns.keyPattern().text())) {
                    throw new ContractException("namespaces[" + i + "].keyPattern: same pattern as namespace '" + other.name()
                            + "'; every key must route to exactly one namespace");
                }
            }
            namespaces.add(ns);
        }
        return new Contract(version, cache, source, tenants, check, List.copyOf(namespaces));
    }

    private CacheSettings cache(JsonNode node) {
        String path = "cache";
        allowOnly(node, path, "url", "mode", "readFrom", "auth", "ignoreKeyPrefixes", "databases");
        String url = interpolate(text(node, "url", path), path + ".url");
        if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
            throw new ContractException("cache.url: '" + redactUrl(url) + "' must start with redis:// or rediss:// (TLS)");
        }
        if (url.matches("^rediss?://[^/@]*:[^/@]+@.*")) {
            throw new ContractException("cache.url: contains a password; remove it and use cache.auth.passwordEnv or cache.auth.secretRef");
        }
        String mode = optionalText(node, "mode", path, "standalone");
        if (!mode.equals("standalone") && !mode.equals("cluster")) {
            throw new ContractException("cache.mode: '" + mode + "' is unknown; use standalone or cluster");
        }
        String readFrom = optionalText(node, "readFrom", path, "primaries");
        if (!readFrom.equals("primaries") && !readFrom.equals("replicas")) {
            throw new ContractException("cache.readFrom: '" + readFrom + "' is unknown; use primaries or replicas");
        }
        if (readFrom.equals("replicas") && !mode.equals("cluster")) {
            throw new ContractException("cache.readFrom: replicas is only supported with mode: cluster; point cache.url at the replica instead");
        }
        int databases = node.has("databases") ? intField(node, "databases", path, 1, 1_000_000) : CacheUrl.DEFAULT_DATABASES;
        // a cell template is checked here with every placeholder as "1", and again with each cell's values at discovery
        CacheUrl.check(Cells.sample(url, "cache.url"), "cache.url", mode.equals("cluster"), databases);
        List<String> ignore = new ArrayList<>();
        JsonNode prefixes = node.get("ignoreKeyPrefixes");
        if (prefixes != null) {
            if (!prefixes.isArray()) {
                throw new ContractException("cache.ignoreKeyPrefixes: must be a list of key prefixes, e.g. [\"sess:\", \"ratelimit:\"]");
            }
            for (JsonNode p : prefixes) {
                if (!p.isTextual() || p.asText().isEmpty()) {
                    throw new ContractException("cache.ignoreKeyPrefixes: every entry must be a non-empty text prefix");
                }
                ignore.add(p.asText());
            }
        }
        return new CacheSettings(url, mode.equals("cluster"), readFrom.equals("replicas"), credentials(node.get("auth"), path + ".auth"), ignore,
                databases);
    }

    private SourceSettings source(JsonNode node, String path) {
        allowOnly(node, path, "url", "auth");
        String url = interpolate(text(node, "url", path), path + ".url");
        checkSourceUrl(url, path);
        return new SourceSettings(url, credentials(node.get("auth"), path + ".auth"));
    }

    /** The checks of a source URL (also run on each cell's URL at discovery); {@code path} is source or tenants.source. */
    static void checkSourceUrl(String url, String path) {
        if (!url.startsWith("jdbc:aws-wrapper:postgresql://") && !url.startsWith("jdbc:aws-wrapper:mysql://")
                && !url.startsWith("jdbc:aws-wrapper:mariadb://")) {
            throw new ContractException(path + ".url: must be an AWS Advanced JDBC Wrapper URL: jdbc:aws-wrapper:postgresql://, "
                    + "jdbc:aws-wrapper:mysql:// or jdbc:aws-wrapper:mariadb://");
        }
        if (url.toLowerCase().matches(".*[?&;]password=.*")) {
            throw new ContractException(path + ".url: contains a password parameter; remove it and use " + path
                    + ".auth.passwordEnv or " + path + ".auth.secretRef");
        }
        // Each would weaken the read-only session JdbcSource sets up: pgjdbc's readOnlyMode=ignore drops the READ ONLY
        // transactions, and allowMultiQueries lets one query text run several statements on MySQL and MariaDB.
        for (String option : List.of("readOnlyMode", "allowMultiQueries")) {
            if (url.toLowerCase(java.util.Locale.ROOT).matches(".*[?&;]" + option.toLowerCase(java.util.Locale.ROOT) + "=.*")) {
                throw new ContractException(path + ".url: sets " + option + ", which cachecheck controls itself to keep every"
                        + " source session read-only and one statement per query; remove " + option + " from the URL");
            }
        }
    }

    private Credentials credentials(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return Credentials.none();
        }
        if (!node.isObject()) {
            throw new ContractException(path + ": must be a mapping with username, passwordEnv or secretRef");
        }
        if (node.has("password")) {
            throw new ContractException(path + ".password: passwords are never written in the contract; "
                    + "use passwordEnv (an environment variable name) or secretRef (a Secrets Manager secret)");
        }
        allowOnly(node, path, "username", "passwordEnv", "secretRef");
        String passwordEnv = optionalText(node, "passwordEnv", path, null);
        String secretRef = optionalText(node, "secretRef", path, null);
        if (passwordEnv != null && secretRef != null) {
            throw new ContractException(path + ": set passwordEnv or secretRef, not both");
        }
        String username = optionalText(node, "username", path, null);
        return new Credentials(username == null ? null : interpolate(username, path + ".username"), passwordEnv,
                secretRef == null ? null : interpolate(secretRef, path + ".secretRef"));
    }

    private TenantDiscovery tenants(JsonNode node) {
        String path = "tenants";
        allowOnly(node, path, "sql", "idColumn", "shardColumn", "shardCount", "placeholder", "cellColumns", "source");
        String sql = text(node, "sql", path);
        if (sql.contains(":") && SourceQuery.parse(sql, path + ".sql").parameterNames().size() > 0) {
            throw new ContractException("tenants.sql: must not take parameters; it lists every active tenant");
        }
        String shardColumn = optionalText(node, "shardColumn", path, null);
        int shardCount = node.has("shardCount") ? intField(node, "shardCount", path, 1, 100_000) : 1;
        if (shardColumn != null && node.has("shardCount")) {
            throw new ContractException("tenants: set shardColumn or shardCount, not both");
        }
        String placeholder = optionalText(node, "placeholder", path, "tenant_id");
        List<String> cellColumns = new ArrayList<>();
        JsonNode columns = node.get("cellColumns");
        if (columns != null && !columns.isNull()) {
            if (!columns.isArray()) {
                throw new ContractException("tenants.cellColumns: must be a list of tenants.sql columns, e.g. [cache_host, db_host]");
            }
            for (JsonNode c : columns) {
                String column = c.isTextual() ? c.asText().strip() : "";
                if (!column.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
                    throw new ContractException("tenants.cellColumns: every entry must be a column name (letters, digits and"
                            + " '_', not starting with a digit); it is also the placeholder {<column>}");
                }
                if (column.equalsIgnoreCase(CellTemplate.SHARD) || cellColumns.contains(column.toLowerCase(java.util.Locale.ROOT))) {
                    throw new ContractException("tenants.cellColumns: '" + column + "' is listed twice or is the reserved"
                            + " placeholder {shard}; list each column once");
                }
                cellColumns.add(column.toLowerCase(java.util.Locale.ROOT));
            }
        }
        SourceSettings catalog = node.hasNonNull("source") ? source(node.get("source"), path + ".source") : null;
        return new TenantDiscovery(sql, optionalText(node, "idColumn", path, null), shardColumn, shardCount, placeholder,
                cellColumns, catalog);
    }

    private CheckSettings check(JsonNode node) {
        CheckSettings d = CheckSettings.defaults();
        if (node == null || node.isNull()) {
            return d;
        }
        String path = "check";
        allowOnly(node, path, "scanCount", "batchSize", "maxBufferedKeys", "parallelism", "graceMillis", "maxRetries",
                "retryBackoffMillis", "maxValueBytes", "unmappedSampleSize", "maxFindings", "deadlineSeconds", "combineMinTenants",
                "maxMembers");
        int batchSize = node.has("batchSize") ? intField(node, "batchSize", path, 1, 10_000) : d.batchSize();
        int maxBuffered = node.has("maxBufferedKeys") ? intField(node, "maxBufferedKeys", path, 1, 10_000_000) : d.maxBufferedKeys();
        if (maxBuffered < batchSize) {
            throw new ContractException("check.maxBufferedKeys: " + maxBuffered + " is smaller than check.batchSize " + batchSize
                    + "; raise it to at least the batch size");
        }
        return new CheckSettings(
                node.has("scanCount") ? intField(node, "scanCount", path, 1, 100_000) : d.scanCount(),
                batchSize, maxBuffered,
                node.has("parallelism") ? intField(node, "parallelism", path, 1, 64) : d.parallelism(),
                node.has("graceMillis") ? intField(node, "graceMillis", path, 0, 600_000) : d.graceMillis(),
                node.has("maxRetries") ? intField(node, "maxRetries", path, 0, 20) : d.maxRetries(),
                node.has("retryBackoffMillis") ? intField(node, "retryBackoffMillis", path, 0, 60_000) : d.retryBackoffMillis(),
                node.has("maxValueBytes") ? intField(node, "maxValueBytes", path, 1, 512 * 1024 * 1024) : d.maxValueBytes(),
                node.has("unmappedSampleSize") ? intField(node, "unmappedSampleSize", path, 0, 10_000) : d.unmappedSampleSize(),
                node.has("maxFindings") ? intField(node, "maxFindings", path, 0, 100_000_000) : d.maxFindings(),
                node.has("deadlineSeconds") ? intField(node, "deadlineSeconds", path, 0, 86_400) : d.deadlineSeconds(),
                node.has("combineMinTenants") ? intField(node, "combineMinTenants", path, 0, 100_000_000) : d.combineMinTenants(),
                node.has("maxMembers") ? intField(node, "maxMembers", path, 1, 1_000_000) : d.maxMembers());
    }

    private Namespace namespace(JsonNode node, String path, String tenantPlaceholder) {
        if (node == null || !node.isObject()) {
            throw new ContractException(path + ": must be a mapping with name, keyPattern, valueType, sql and fields");
        }
        allowOnly(node, path, "name", "keyPattern", "valueType", "decode", "sql", "keyColumns", "fields", "column", "ignore",
                "version", "unknownFields", "rebuild", "ttlSeconds", "remediateUndecodable", "member", "score");
        String name = text(node, "name", path);
        if (!NAME.matcher(name).matches()) {
            throw new ContractException(path + ".name: '" + name + "' may only contain letters, digits, '_', '.' and '-'");
        }
        path = path + " (" + name + ")";
        KeyPattern pattern = KeyPattern.parse(text(node, "keyPattern", path), path + ".keyPattern");
        if (!pattern.placeholders().contains(tenantPlaceholder)) {
            throw new ContractException(path + ".keyPattern: '" + pattern.text() + "' has no {" + tenantPlaceholder
                    + "} placeholder; every key must name its tenant (or set tenants.placeholder)");
        }
        // With a decode chain, valueType only says how Redis stores the bytes, which the chain already implies: a string,
        // or a hash when the chain starts by taking a hash field. Asking for "valueType: json" on Java-serialised bytes
        // would only confuse.
        ValueType type = !node.has("valueType") && node.has("decode") ? impliedByDecode(node.get("decode"))
                : ValueType.parse(valueTypeText(node, path), path + ".valueType");
        if (type.collection() && node.has("decode")) {
            throw new ContractException(path + ".decode: a " + type.name().toLowerCase(java.util.Locale.ROOT)
                    + " is compared member by member as text; decode is for values stored as strings or hashes, so remove it");
        }
        DecodeChain decode = DecodeChain.parse(node.get("decode"), path + ".decode", type.layout());
        SourceQuery sql = SourceQuery.parse(text(node, "sql", path), path + ".sql");
        for (String param : sql.parameterNames()) {
            if (!pattern.placeholders().contains(param)) {
                throw new ContractException(path + ".sql: parameter :" + param + " is not a placeholder of keyPattern '"
                        + pattern.text() + "'; parameters must be " + prefixed(pattern.placeholders()));
            }
        }
        for (String placeholder : pattern.placeholders()) {
            if (!placeholder.equals(tenantPlaceholder) && !sql.parameterNames().contains(placeholder)) {
                throw new ContractException(path + ".sql: key placeholder {" + placeholder + "} is not used in sql; add :"
                        + placeholder + " (e.g. " + placeholder + " IN (:" + placeholder + ")) so each key finds its row");
            }
        }
        if (!sql.parameterNames().contains(tenantPlaceholder)) {
            // Rows are joined to keys on the key columns only, so a query that does not filter by tenant would
            // compare each key with whichever tenant's row has that id (and remediation would act on the result).
            throw new ContractException(path + ".sql: the tenant placeholder {" + tenantPlaceholder + "} is not bound in sql, so"
                    + " each key would be compared with the row of any tenant that has the same id; add :" + tenantPlaceholder
                    + " to the WHERE clause (e.g. WHERE " + tenantPlaceholder + " = :" + tenantPlaceholder + " AND ...);"
                    + " for a table shared by all tenants, see \"Tenant binding\" in docs/contract.md");
        }
        Map<String, String> keyColumns = new LinkedHashMap<>();
        JsonNode kc = node.get("keyColumns");
        if (kc != null && !kc.isObject()) {
            throw new ContractException(path + ".keyColumns: must map key placeholders to result columns, e.g. keyColumns: {order_id: id}");
        }
        for (String placeholder : pattern.placeholders()) {
            if (!placeholder.equals(tenantPlaceholder)) {
                keyColumns.put(placeholder, kc != null && kc.has(placeholder) ? kc.get(placeholder).asText() : placeholder);
            }
        }
        if (kc != null) {
            String where = path;
            kc.fieldNames().forEachRemaining(k -> {
                if (!keyColumns.containsKey(k)) {
                    throw new ContractException(where + ".keyColumns." + k + ": '" + k + "' is not a non-tenant placeholder of keyPattern '"
                            + pattern.text() + "'; use one of " + keyColumns.keySet());
                }
            });
        }
        if (keyColumns.isEmpty()) {
            throw new ContractException(path + ".keyPattern: '" + pattern.text() + "' has only the tenant placeholder; add the row key, e.g. {id}");
        }
        boolean rebuild = node.has("rebuild") && bool(node, "rebuild", path);
        long ttl = node.has("ttlSeconds") ? intField(node, "ttlSeconds", path, 0, Integer.MAX_VALUE) : 0;
        boolean remediateUndecodable = node.has("remediateUndecodable") && bool(node, "remediateUndecodable", path);
        if (type.collection()) {
            return new Namespace(name, pattern, type, sql, java.util.Collections.unmodifiableMap(keyColumns),
                    CollectionContract.mappings(node, path, type, sql), Set.of(), null, Namespace.UnknownFields.REPORT, rebuild, ttl,
                    decode, remediateUndecodable);
        }
        CollectionContract.refuseOnScalar(node, path, type);
        List<FieldMapping> fields = new ArrayList<>();
        if (type == ValueType.STRING) {
            if (node.has("fields")) {
                throw new ContractException(path + ".fields: a string value is one scalar; use column: <source column> instead of fields");
            }
            fields.add(new FieldMapping("value", text(node, "column", path)));
        } else {
            if (node.has("column")) {
                throw new ContractException(path + ".column: only for valueType string; for " + type.name().toLowerCase()
                        + " map each field under fields:");
            }
            JsonNode f = node.get("fields");
            if (f == null || !f.isObject() || f.isEmpty()) {
                throw new ContractException(path + ".fields: missing mapping; map each cached field to its source column, e.g. fields: {status: status}");
            }
            Iterator<Map.Entry<String, JsonNode>> it = f.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) {
                    throw new ContractException(path + ".fields." + e.getKey() + ": must name a source column");
                }
                fields.add(new FieldMapping(e.getKey(), e.getValue().asText()));
            }
        }
        Set<String> ignore = new LinkedHashSet<>();
        JsonNode ig = node.get("ignore");
        if (ig != null) {
            if (!ig.isArray()) {
                throw new ContractException(path + ".ignore: must be a list of cached field names");
            }
            for (JsonNode n : ig) {
                String field = n.asText();
                if (fields.stream().anyMatch(m -> m.field().equals(field))) {
                    throw new ContractException(path + ".ignore: '" + field + "' is also mapped under fields; a field is compared or ignored, not both");
                }
                ignore.add(field);
            }
        }
        VersionMapping version = null;
        JsonNode v = node.get("version");
        if (v != null && !v.isNull()) {
            if (type == ValueType.STRING) {
                throw new ContractException(path + ".version: a string value has no fields to carry a version; remove version");
            }
            if (!v.isObject()) {
                throw new ContractException(path + ".version: must be a mapping {field: <cached field>, column: <source column>}");
            }
            allowOnly(v, path + ".version", "field", "column");
            version = new VersionMapping(text(v, "field", path + ".version"), text(v, "column", path + ".version"));
        }
        if (type == ValueType.JSON || decode.readsTree()) {
            checkJsonPaths(path, fields, ignore, version);
        }
        String unknown = optionalText(node, "unknownFields", path, "report");
        if (!unknown.equals("report") && !unknown.equals("ignore")) {
            throw new ContractException(path + ".unknownFields: '" + unknown + "' is unknown; use report or ignore");
        }
        // keyColumns keeps key-pattern order: rows are joined to keys on the tuple in that order
        return new Namespace(name, pattern, type, sql, java.util.Collections.unmodifiableMap(keyColumns), List.copyOf(fields), Set.copyOf(ignore), version,
                unknown.equals("report") ? Namespace.UnknownFields.REPORT : Namespace.UnknownFields.IGNORE, rebuild, ttl,
                decode, remediateUndecodable);
    }

    private static String valueTypeText(JsonNode node, String path) {
        if (!node.has("valueType")) {
            throw new ContractException(path + ".valueType: missing; say how Redis stores the value: json, hash, string, set,"
                    + " zset or list, or declare how its bytes are decoded with decode: [...] (docs/formats.md)");
        }
        return text(node, "valueType", path);
    }

    /** The storage a decode chain implies when valueType is left out: a hash for {hashField: ...} first, else a string. */
    private static ValueType impliedByDecode(JsonNode decode) {
        JsonNode first = decode != null && decode.isArray() && !decode.isEmpty() ? decode.get(0) : null;
        return first != null && first.isObject() && first.has(io.cachecheck.decode.chain.DecodeSteps.HASH_FIELD)
                ? ValueType.HASH : ValueType.JSON;
    }

    /** A cached field named in a namespace: where it is declared and what it is, for error messages. */
    private record NamedField(String name, String section, String role) {
    }

    /**
     * For JSON, a dotted name is a path through nested objects. Each part must be non-empty, and no mapped, ignored or
     * version field may also be the parent of another one: the cached field would have to hold a value and an object
     * at once, so one of the two would always differ (or be compared and ignored at once).
     */
    private static void checkJsonPaths(String path, List<FieldMapping> fields, Set<String> ignore, VersionMapping version) {
        List<NamedField> named = new ArrayList<>();
        for (FieldMapping f : fields) {
            named.add(new NamedField(f.field(), "fields", "mapped (to column " + f.column() + ")"));
        }
        for (String i : ignore) {
            named.add(new NamedField(i, "ignore", "listed under ignore"));
        }
        if (version != null) {
            named.add(new NamedField(version.field(), "version", "the version field"));
        }
        for (int j = 0; j < named.size(); j++) {
            NamedField b = named.get(j);
            if (b.name().startsWith(".") || b.name().endsWith(".") || b.name().contains("..")) {
                throw new ContractException(path + "." + (b.section().equals("version") ? "version.field" : b.section()) + ": '"
                        + b.name() + "' needs a name on each side of every dot; a dotted name is a path into nested JSON objects,"
                        + " e.g. price.amount");
            }
            for (int k = 0; k < j; k++) {
                NamedField a = named.get(k);
                NamedField parent = b.name().startsWith(a.name() + ".") ? a : a.name().startsWith(b.name() + ".") ? b : null;
                if (parent != null) {
                    NamedField child = parent == a ? b : a;
                    throw new ContractException(path + "." + b.section() + ": '" + parent.name() + "' and '" + child.name()
                            + "' conflict: " + child.name() + " reads " + parent.name() + " as a nested object, but " + parent.name()
                            + " is itself " + parent.role() + "; a JSON field holds a value or an object of fields, not both,"
                            + " so keep only one of them");
                }
            }
        }
    }

    private static String prefixed(List<String> names) {
        StringBuilder out = new StringBuilder();
        for (String n : names) {
            out.append(out.length() == 0 ? ":" : ", :").append(n);
        }
        return out.toString();
    }

    private String interpolate(String value, String path) {
        Matcher m = ENV_REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String resolved = environment.apply(m.group(1));
            if (resolved == null) {
                resolved = m.group(3);
            }
            if (resolved == null) {
                throw new ContractException(path + ": environment variable " + m.group(1)
                        + " is not set; set it or give a default as ${" + m.group(1) + ":-value}"
                        + (m.group(1).equals(CellTemplate.SHARD) ? " (a cell placeholder is written {shard}, without '$')" : ""));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(resolved));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String redactUrl(String url) {
        return url.replaceAll("//[^@/]*@", "//***@");
    }

    private static void allowOnly(JsonNode node, String path, String... allowed) {
        if (!node.isObject()) {
            throw new ContractException((path.isEmpty() ? "contract" : path) + ": must be a mapping of fields (key: value"
                    + " lines, or {key: value}); see docs/contract.md");
        }
        Set<String> set = Set.of(allowed);
        node.fieldNames().forEachRemaining(name -> {
            if (!set.contains(name)) {
                throw new ContractException((path.isEmpty() ? "" : path + ".") + name + ": unknown field; allowed here: "
                        + String.join(", ", allowed) + io.cachecheck.error.DidYouMean.hint(name, set));
            }
        });
    }

    private static JsonNode required(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new ContractException((path.isEmpty() ? "" : path + ".") + field + ": missing; see docs/contract.md");
        }
        return value;
    }

    private static String text(JsonNode node, String field, String path) {
        JsonNode value = required(node, field, path);
        if (!value.isValueNode() || value.asText().isBlank()) {
            throw new ContractException(path + "." + field + ": must be a non-empty text value");
        }
        return value.asText().strip();
    }

    private static String optionalText(JsonNode node, String field, String path, String fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isValueNode() || value.asText().isBlank()) {
            throw new ContractException(path + "." + field + ": must be a non-empty text value");
        }
        return value.asText().strip();
    }

    private static int intField(JsonNode node, String field, String path, int min, int max) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToInt() || !value.isIntegralNumber()) {
            throw new ContractException((path.isEmpty() ? "" : path + ".") + field + ": must be a whole number between " + min + " and " + max);
        }
        int v = value.intValue();
        if (v < min || v > max) {
            throw new ContractException((path.isEmpty() ? "" : path + ".") + field + ": " + v + " is out of range; use a value between " + min + " and " + max);
        }
        return v;
    }

    private static boolean bool(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (!value.isBoolean()) {
            throw new ContractException(path + "." + field + ": must be true or false");
        }
        return value.booleanValue();
    }
}
