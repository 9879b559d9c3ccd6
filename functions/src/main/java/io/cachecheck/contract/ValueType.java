package io.cachecheck.contract;

/** How a namespace's cached entries are stored in Redis. */
public enum ValueType {
    /** A Redis string holding a JSON object; mapped fields are (dotted) paths into it. */
    JSON,
    /** A Redis hash; mapped fields are hash fields. */
    HASH,
    /** A Redis string holding one scalar, compared with a single column. */
    STRING,
    /** A Redis set, compared with the member column of zero or more rows per key (docs/contract.md, "Collections"). */
    SET,
    /** A Redis sorted set: members, and their scores when a score column is mapped. */
    ZSET,
    /** A Redis list: members in order, duplicates included. */
    LIST;

    /** Whether a key holds many members compared with many rows (set, zset, list) rather than one value with one row. */
    public boolean collection() {
        return this == SET || this == ZSET || this == LIST;
    }

    /** The Redis type name (as TYPE answers it) of this value type. */
    public String redisType() {
        return this == JSON ? "string" : name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The decode layer's name for this storage. */
    public io.cachecheck.decode.chain.DecodeChain.Layout layout() {
        return switch (this) {
            case JSON -> io.cachecheck.decode.chain.DecodeChain.Layout.JSON;
            case HASH -> io.cachecheck.decode.chain.DecodeChain.Layout.HASH;
            // a collection's members are Redis strings, compared as text (a contract cannot declare a decode chain)
            case STRING, SET, ZSET, LIST -> io.cachecheck.decode.chain.DecodeChain.Layout.STRING;
        };
    }

    static ValueType parse(String text, String path) {
        return switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "json" -> JSON;
            case "hash" -> HASH;
            case "string" -> STRING;
            case "set" -> SET;
            case "zset" -> ZSET;
            case "list" -> LIST;
            default -> throw new io.cachecheck.error.ContractException(
                    path + ": unknown value type '" + text + "'; use one of json, hash, string, set, zset, list");
        };
    }
}
