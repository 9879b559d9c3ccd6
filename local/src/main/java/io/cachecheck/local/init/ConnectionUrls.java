package io.cachecheck.local.init;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The cache and source URLs {@code init} is given, split into what the draft may hold (scheme, host, port, database,
 * options) and the secrets it must not (a password in the user info or in a {@code password=} option). Errors never
 * quote the URL, since it may hold a password.
 */
final class ConnectionUrls {
    /** A cache URL without user info; {@code user} and {@code password} as they were given, or null. */
    record Cache(String url, String user, String password) {
    }

    /** A source URL in the AWS Advanced JDBC Wrapper form, without user info or user/password options. */
    record Source(String url, String user, String password) {
    }

    private ConnectionUrls() {
    }

    static Cache cache(String text) {
        URI u;
        try {
            u = new URI(text);
        } catch (URISyntaxException e) {
            throw new InitRunner.UsageException("--cache: not a URL (at index " + e.getIndex() + "); write redis://host:port/db");
        }
        if (!"redis".equals(u.getScheme()) && !"rediss".equals(u.getScheme()) || u.getHost() == null) {
            throw new InitRunner.UsageException("--cache: must be redis://host:port[/db] or rediss://host:port[/db]");
        }
        String[] info = userInfo(u.getRawUserInfo());
        String user = info[0] == null || info[0].isEmpty() ? null : info[0];
        String url = u.getScheme() + "://" + u.getHost() + ":" + (u.getPort() < 0 ? 6379 : u.getPort())
                + (u.getPath() == null || u.getPath().isEmpty() || u.getPath().equals("/") ? "" : u.getPath());
        return new Cache(url, user, info[1]);
    }

    static Source source(String text) {
        String rest = text;
        if (!rest.startsWith("jdbc:")) {
            throw new InitRunner.UsageException("--source: must be a JDBC URL such as jdbc:postgresql://host:5432/db,"
                    + " jdbc:mysql://host:3306/db or jdbc:mariadb://host:3306/db");
        }
        rest = rest.substring("jdbc:".length());
        if (rest.startsWith("aws-wrapper:")) {
            rest = rest.substring("aws-wrapper:".length());
        }
        String scheme = rest.contains("://") ? rest.substring(0, rest.indexOf("://")) : "";
        if (!List.of("postgresql", "mysql", "mariadb").contains(scheme)) {
            throw new InitRunner.UsageException("--source: the database must be postgresql, mysql or mariadb"
                    + " (jdbc:postgresql://host:5432/db)");
        }
        String afterScheme = rest.substring(scheme.length() + 3);
        String user = null;
        String password = null;
        int slash = afterScheme.indexOf('/');
        String authority = slash < 0 ? afterScheme : afterScheme.substring(0, slash);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String[] info = userInfo(authority.substring(0, at));
            user = info[0];
            password = info[1];
            afterScheme = afterScheme.substring(at + 1);
        }
        String query = null;
        int q = afterScheme.indexOf('?');
        if (q >= 0) {
            query = afterScheme.substring(q + 1);
            afterScheme = afterScheme.substring(0, q);
        }
        List<String> kept = new ArrayList<>();
        if (query != null) {
            for (String option : query.split("&")) {
                String name = option.contains("=") ? option.substring(0, option.indexOf('=')) : option;
                String value = option.contains("=") ? decode(option.substring(option.indexOf('=') + 1)) : "";
                switch (name.toLowerCase(Locale.ROOT)) {
                    case "password" -> password = value;
                    case "user" -> user = value;
                    case "" -> { }
                    default -> kept.add(option);
                }
            }
        }
        String url = "jdbc:aws-wrapper:" + scheme + "://" + afterScheme + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
        return new Source(url, user == null || user.isEmpty() ? null : user, password);
    }

    /** {user, password} of a raw user info; either may be null. */
    private static String[] userInfo(String raw) {
        if (raw == null) {
            return new String[2];
        }
        int colon = raw.indexOf(':');
        return colon < 0 ? new String[]{decode(raw), null}
                : new String[]{decode(raw.substring(0, colon)), decode(raw.substring(colon + 1))};
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
