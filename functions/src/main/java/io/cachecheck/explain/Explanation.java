package io.cachecheck.explain;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.cachecheck.check.DriftClass;

import java.util.List;
import java.util.Map;

/**
 * Why one cache key is what it is ({@code cachecheck explain KEY}): where it routes, how its value decodes, which
 * statement looks its row up, how each field compares, and the class a validate run gives it.
 *
 * <p>Cached and source values appear only in {@link Field#cacheValue()}, {@link Field#sourceValue()} and
 * {@link Members#cached()} / {@link Members#source()}, and only when {@link #valuesShown()} (the operator asked for
 * them with {@code --show-values}). Otherwise the explanation holds types, lengths, equality and digest prefixes
 * keyed for this explanation alone, and can be pasted into a ticket.
 *
 * @param key         the key as validate prints it ({@code \xNN} for other bytes), or {@code hmac:<hex>} when keys are
 *                    redacted
 * @param driftClass  the class validate gives the key; null when it is not classified ({@link #outcome()} says why)
 * @param outcome     {@code CLASSIFIED}, {@code KEY_MISSING} (the key does not exist: a scan would not see it),
 *                    {@code IGNORED} ({@code cache.ignoreKeyPrefixes}), or {@code NOT_CHECKED} (skipped: a run
 *                    would be INCOMPLETE, {@link #notes()} says why)
 * @param reason      the finding's reason (e.g. {@code fields-differ}, {@code row-missing}, a CORRUPT reason), or null
 * @param stored      what the cache holds, e.g. {@code string, 312 bytes}
 * @param decode      what each decode step produced (types and sizes), or where decoding failed
 * @param lookup      the source statement and its bind values (from the key), or null when the key is not checked
 * @param fields      the mapped fields compared (scalar namespaces), in contract order
 * @param members     the members compared (set, zset, list namespaces), or null
 * @param looks       each look validate took: the first, and the re-check after the grace period when it differed
 * @param finding     the finding's digests and versions, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Explanation(String key, DriftClass driftClass, String outcome, String reason, Route route, String node,
                          String stored, List<DecodeStep> decode, Lookup lookup, List<Field> fields, Members members,
                          List<Look> looks, FindingDigests finding, List<String> notes, boolean valuesShown) {

    /**
     * Where the key routes.
     *
     * @param outcome          {@code CHECKED}, {@code IGNORED} or {@code UNMAPPED}
     * @param namespace        the namespace that claims it, or null
     * @param pattern          its key pattern
     * @param tenantPlaceholder the placeholder that gives the tenant
     * @param tenant           the tenant it names, or null
     * @param tenantActive     whether {@code tenants.sql} lists that tenant
     * @param placeholders     every other placeholder's value (from the key: redacted like keys)
     * @param matched          every namespace whose pattern matches the key (the one with the most literal bytes
     *                         claims it; two equally specific ones make it UNMAPPED ambiguous-namespace)
     * @param reason           the UNMAPPED reason, or null
     * @param nearest          when no pattern matches: the one the key follows furthest, and where it departs
     * @param hint             what to look at, e.g. active tenants that appear inside an inactive tenant's value
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Route(String outcome, String namespace, String pattern, String tenantPlaceholder, String tenant,
                        Boolean tenantActive, Map<String, String> placeholders, List<String> matched, String reason,
                        Nearest nearest, String hint) {
    }

    /**
     * The pattern a key that matches none follows furthest.
     *
     * @param keyOffset     the byte offset in the key where it departs
     * @param patternOffset the character offset in the pattern
     * @param expected      what the pattern expected there
     * @param found         what the key has there (part of the key: redacted like keys), or null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Nearest(String namespace, String pattern, int keyOffset, int patternOffset, String expected, String found) {
    }

    /** One decode step: what it produced (type, size), or the CORRUPT reason it failed with. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DecodeStep(String step, String produced, String failure) {
    }

    /**
     * The source lookup of the key.
     *
     * @param sql        the statement as executed (bind markers, never values)
     * @param parameters the bind values in order; they come from the key, never from a cached value
     * @param rows       how many rows it returned for the key
     * @param rejected   the SQLState with which the source refused the key's value for its column, or null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Lookup(String sql, List<Parameter> parameters, Integer rows, String rejected) {
    }

    /** One bind value; {@code redacted} when keys are redacted and the value comes from the key. */
    public record Parameter(int index, String name, String value, boolean redacted) {
    }

    /**
     * One mapped field.
     *
     * @param cacheType   the cached value's own type ({@code number}, {@code string}, {@code absent}); null when the
     *                    value could not be decoded
     * @param sourceType  the column's value type ({@code number}, {@code timestamp(6)}, {@code null}); null without a row
     * @param comparedAs  how the two are compared: {@code number}, {@code text}, {@code timestamp}, {@code date},
     *                    {@code boolean}, {@code json} or {@code null} (the source column decides)
     * @param cacheLength the length of the cached side's canonical form, or null
     * @param sourceLength the same for the source
     * @param equal       whether the canonical forms are equal (false when a side is missing)
     * @param cacheDigest a prefix of an HMAC of the canonical form, under a key made for this explanation: equal
     *                    forms have equal digests here, and nothing links them to another explanation or run
     * @param cacheValue  the canonical form, only with {@code --show-values}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Field(String field, String column, String cacheType, String sourceType, String comparedAs,
                        Integer cacheLength, Integer sourceLength, boolean equal, String cacheDigest, String sourceDigest,
                        String cacheValue, String sourceValue) {
    }

    /**
     * The members of a collection key.
     *
     * @param cachedCount members read from the cache (null when the value is not a collection of that type)
     * @param sourceCount rows for the key (null without rows)
     * @param cached      the canonical members, only with {@code --show-values}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Members(Integer cachedCount, Integer sourceCount, List<String> cached, List<String> source) {
    }

    /** One look: its stage ({@code batch}, {@code re-check}), how it classified, and what differed. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Look(String stage, DriftClass driftClass, String reason, List<String> differing, String cacheVersion,
                       String sourceVersion, String rejected) {
    }

    /** The finding's digests (SHA-256 hex, as in the shard result) and versions. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FindingDigests(String cacheDigest, String sourceDigest, String valueDigest, String cacheVersion,
                                 String sourceVersion) {
    }
}
