package io.cachecheck.contract;

import io.cachecheck.error.ContractException;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cell contracts: a contract whose cache and source endpoints (and secrets) are templates filled per shard, so that
 * each work item connects only to its own cell. {@link #check} runs when the contract is loaded, {@link #resolve}
 * for every cell at discovery and again in the work item.
 */
public final class Cells {
    private Cells() {
    }

    /** A templated field: its contract path, its text, and what kind of value goes into it. */
    private record Field(String path, String text, CellTemplate.Target target) {
    }

    private static List<Field> fields(CacheSettings cache, SourceSettings source) {
        List<Field> fields = new java.util.ArrayList<>();
        fields.add(new Field("cache.url", cache.url(), CellTemplate.Target.URL));
        credentialFields(fields, "cache.auth", cache.credentials());
        fields.add(new Field("source.url", source.url(), CellTemplate.Target.URL));
        credentialFields(fields, "source.auth", source.credentials());
        return fields;
    }

    private static void credentialFields(List<Field> fields, String path, Credentials c) {
        if (c == null) {
            return;
        }
        fields.add(new Field(path + ".username", c.username(), CellTemplate.Target.URL));
        fields.add(new Field(path + ".passwordEnv", c.passwordEnv(), CellTemplate.Target.ENV_NAME));
        fields.add(new Field(path + ".secretRef", c.secretRef(), CellTemplate.Target.URL));
    }

    /** True when any endpoint or secret field of the contract is a cell template. */
    public static boolean templated(CacheSettings cache, SourceSettings source) {
        return fields(cache, source).stream().anyMatch(f -> CellTemplate.templated(f.text()));
    }

    /**
     * The URL with every placeholder replaced by a sample value, to check its shape when the contract is loaded: a
     * number where a port or a database number goes (after {@code :}, or after a single {@code /}), else a name.
     */
    static String sample(String url, String field) {
        CellTemplate.placeholders(url, field);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{[^{}]*}").matcher(url);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String before = url.substring(0, m.start());
            boolean number = before.endsWith(":") || before.endsWith("/") && !before.endsWith("//");
            m.appendReplacement(out, number ? "1" : "cell1");
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Load-time checks: known placeholders only, a shard column to fill them, a catalog when the source is per cell. */
    static void check(CacheSettings cache, SourceSettings source, TenantDiscovery tenants) {
        Set<String> allowed = new LinkedHashSet<>();
        allowed.add(CellTemplate.SHARD);
        allowed.addAll(tenants.cellColumns());
        Set<String> used = new LinkedHashSet<>();
        boolean sourceTemplated = false;
        String firstTemplated = null;
        for (Field f : fields(cache, source)) {
            CellTemplate.checkKnown(f.text(), f.path(), allowed);
            Set<String> names = CellTemplate.placeholders(f.text(), f.path());
            if (!names.isEmpty()) {
                used.addAll(names);
                firstTemplated = firstTemplated == null ? f.path() : firstTemplated;
                sourceTemplated |= f.path().startsWith("source.");
            }
        }
        if (tenants.catalog() != null) {
            for (Field f : fields(cache, tenants.catalog())) {
                if (f.path().startsWith("source.") && CellTemplate.templated(f.text())) {
                    throw new ContractException("tenants." + f.path() + ": placeholders are not allowed here: the catalog"
                            + " database is where the cells are listed, so it is one database for every cell");
                }
            }
        }
        for (String column : tenants.cellColumns()) {
            if (!used.contains(column)) {
                throw new ContractException("tenants.cellColumns: '" + column + "' is not used by any placeholder {" + column
                        + "} in cache.url, source.url or their auth; use it or remove it");
            }
        }
        if (firstTemplated == null) {
            return;
        }
        if (tenants.shardColumn() == null) {
            throw new ContractException(firstTemplated + ": cell placeholders need tenants.shardColumn (the column naming"
                    + " each tenant's cell); with shardCount, tenants are spread by hash, not by cell");
        }
        if (sourceTemplated && tenants.catalog() == null) {
            throw new ContractException("tenants.source: required when the source is per cell (source.url or source.auth has"
                    + " a placeholder): tenants.sql lists the cells, so it runs on the catalog database that lists them; set"
                    + " tenants.source.url (and tenants.source.auth)");
        }
    }

    /**
     * The contract of one cell: every template filled with the cell's values, and the results checked as the loader
     * checks a contract's URLs. Errors name the field and the cell, never a password.
     */
    public static Contract resolve(Contract contract, String cellId, Map<String, String> values) {
        Map<String, String> all = new LinkedHashMap<>(values);
        all.put(CellTemplate.SHARD, cellId);
        CacheSettings cache = contract.cache();
        String cacheUrl = CellTemplate.fill(cache.url(), all, "cache.url", cellId, CellTemplate.Target.URL);
        CacheUrl.check(cacheUrl, "cache.url (cell " + cellId + ")", cache.cluster(), cache.databases());
        SourceSettings source = contract.source();
        String sourceUrl = CellTemplate.fill(source.url(), all, "source.url", cellId, CellTemplate.Target.URL);
        ContractLoader.checkSourceUrl(sourceUrl, "source");
        return new Contract(contract.version(), cache.at(cacheUrl, credentials(cache.credentials(), "cache.auth", all, cellId)),
                new SourceSettings(sourceUrl, credentials(source.credentials(), "source.auth", all, cellId)),
                contract.tenants(), contract.check(), contract.namespaces());
    }

    private static Credentials credentials(Credentials c, String path, Map<String, String> values, String cell) {
        if (c == null) {
            return null;
        }
        return new Credentials(CellTemplate.fill(c.username(), values, path + ".username", cell, CellTemplate.Target.URL),
                CellTemplate.fill(c.passwordEnv(), values, path + ".passwordEnv", cell, CellTemplate.Target.ENV_NAME),
                CellTemplate.fill(c.secretRef(), values, path + ".secretRef", cell, CellTemplate.Target.URL));
    }

    /** The cell with its endpoints as {@code host:port/db}: checked, and free of credentials. */
    public static Cell cell(Contract contract, String cellId, Map<String, String> values) {
        Contract resolved = resolve(contract, cellId, values);
        return new Cell(cellId, values, cacheEndpoint(resolved.cache().url()), sourceEndpoint(resolved.source().url()));
    }

    static String cacheEndpoint(String url) {
        URI uri = URI.create(url);
        String path = uri.getRawPath() == null || uri.getRawPath().length() <= 1 ? "/0" : uri.getRawPath();
        return uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort()) + path;
    }

    /** host:port/database of a JDBC URL: no scheme, no user, no options. */
    static String sourceEndpoint(String url) {
        String rest = url.substring(url.indexOf("://") + 3);
        int options = rest.indexOf('?');
        rest = options < 0 ? rest : rest.substring(0, options);
        int user = rest.lastIndexOf('@');
        return user < 0 ? rest : rest.substring(user + 1);
    }
}
