package io.cachecheck.contract;

import io.cachecheck.error.ContractException;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Checks a cache URL ({@code redis://host:port/db} or {@code rediss://}) when the contract is loaded, so that a typo
 * fails there, naming {@code cache.url}, instead of as a Java parser's message in DiscoverShards or as a Redis error
 * ({@code ERR DB index is out of range}) in every shard.
 */
public final class CacheUrl {
    /** Databases a Redis server has unless {@code databases} is raised in its configuration; ElastiCache has 16. */
    public static final int DEFAULT_DATABASES = 16;

    private CacheUrl() {
    }

    /**
     * @param field     what the error names: {@code cache.url}, or the setting that changed its host
     * @param databases how many databases the server has: the URL's number must be below it
     */
    public static void check(String url, String field, boolean cluster, int databases) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ContractException(field + ": '" + redact(url) + "' is not a valid URL (" + e.getReason()
                    + (e.getIndex() >= 0 ? " at character " + (e.getIndex() + 1) : "") + "); write redis://host:port/db,"
                    + " with an IPv6 address in brackets (redis://[::1]:6379/0)");
        }
        if (uri.getHost() == null) {
            throw new ContractException(field + ": '" + redact(url) + "' has no host and port that can be read; write"
                    + " redis://host:port/db, where a host name has letters, digits, '-' and '.' (no '_') and the port is"
                    + " a number");
        }
        if (uri.getRawUserInfo() != null) {
            throw new ContractException(field + ": a user name in the URL is not used; remove it and set cache.auth.username");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new ContractException(field + ": port " + uri.getPort() + " is out of range; use 1-65535 (Redis listens"
                    + " on 6379 by default)");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new ContractException(field + ": '" + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "#" + uri.getRawFragment())
                    + "' is not used; remove it: the URL is redis://host:port/db (rediss:// for TLS), and AUTH is set in"
                    + " cache.auth");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (path.isEmpty() || path.equals("/")) {
            return;
        }
        String db = path.substring(1);
        if (!db.matches("[0-9]{1,9}")) {
            throw new ContractException(field + ": database '" + db + "' is not a number; use redis://host:port/0");
        }
        int number = Integer.parseInt(db);
        if (cluster && number != 0) {
            throw new ContractException(field + ": Redis Cluster has only database 0; remove /" + number);
        }
        if (number >= databases) {
            throw new ContractException(field + ": database " + number + " does not exist on a server with " + databases
                    + " databases (0-" + (databases - 1) + "); use one of those, or, if the server is configured with more"
                    + " (databases in redis.conf), set cache.databases to that number");
        }
    }

    private static String redact(String url) {
        return url.replaceAll("//[^@/]*@", "//***@");
    }
}
