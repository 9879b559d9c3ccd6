package io.cachecheck.contract;

import io.cachecheck.decode.chain.DecodeChain;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One family of cached keys and how it maps to the database.
 *
 * @param name          a short name used in results
 * @param keyPattern    the compiled key pattern
 * @param valueType     how the value is stored
 * @param sql           the parsed source query (named parameters bound, never concatenated)
 * @param keyColumns    placeholder name to the result column that holds it (to join rows back to keys)
 * @param fields        compared fields, in contract order; for a collection (set, zset, list) the {@code member}
 *                      column and, for a zset that maps one, the {@code score} column
 * @param ignore        cached fields that are never compared (e.g. {@code cached_at})
 * @param version       optional version field/column
 * @param unknownFields what to do with a cached field that is neither mapped nor ignored
 * @param rebuild       whether remediation may REPOPULATE this namespace from the source row
 * @param ttlSeconds    TTL to set when repopulating; 0 = no TTL
 * @param decode        how the stored bytes become the compared fields (the valueType default when not declared)
 * @param remediateUndecodable whether remediation may act on this namespace's CORRUPT values, which were never
 *                      compared (default false: they are excluded from the plan)
 */
public record Namespace(String name, KeyPattern keyPattern, ValueType valueType, SourceQuery sql,
                        Map<String, String> keyColumns, List<FieldMapping> fields, Set<String> ignore,
                        VersionMapping version, UnknownFields unknownFields, boolean rebuild, long ttlSeconds,
                        DecodeChain decode, boolean remediateUndecodable) {

    /** Whether mapped field names are paths into a value tree (dotted through objects), not flat hash fields. */
    public boolean nestedFields() {
        return valueType == ValueType.JSON || decode.readsTree();
    }

    /** The column holding each member of a collection namespace (set, zset, list); null for other value types. */
    public String memberColumn() {
        return valueType.collection() ? fields.get(0).column() : null;
    }

    /** The score column of a zset namespace that maps one; null otherwise (then members are compared in score order). */
    public String scoreColumn() {
        return valueType == ValueType.ZSET && fields.size() > 1 ? fields.get(1).column() : null;
    }

    /** Policy for cached fields the contract does not mention. */
    public enum UnknownFields { REPORT, IGNORE }
}
