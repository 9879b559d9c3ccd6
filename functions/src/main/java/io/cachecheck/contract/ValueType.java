package io.cachecheck.contract;

/** How a namespace's cached entries are stored in Redis. */
public enum ValueType {
    /** A Redis string holding a JSON object; mapped fields are (dotted) paths into it. */
    JSON,
    /** A Redis hash; mapped fields are hash fields. */
    HASH,
    /** A Redis string holding one scalar, compared with a single column. */
    STRING;

    /** The decode layer's name for this storage. */
    public io.cachecheck.decode.chain.DecodeChain.Layout layout() {
        return switch (this) {
            case JSON -> io.cachecheck.decode.chain.DecodeChain.Layout.JSON;
            case HASH -> io.cachecheck.decode.chain.DecodeChain.Layout.HASH;
            case STRING -> io.cachecheck.decode.chain.DecodeChain.Layout.STRING;
        };
    }

    static ValueType parse(String text, String path) {
        return switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "json" -> JSON;
            case "hash" -> HASH;
            case "string" -> STRING;
            default -> throw new io.cachecheck.error.ContractException(
                    path + ": unknown value type '" + text + "'; use one of json, hash, string");
        };
    }
}
