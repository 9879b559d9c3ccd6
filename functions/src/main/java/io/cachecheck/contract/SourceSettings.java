package io.cachecheck.contract;

/**
 * How to reach the source database, always through the AWS Advanced JDBC Wrapper
 * ({@code jdbc:aws-wrapper:postgresql://}, {@code jdbc:aws-wrapper:mysql://} or {@code jdbc:aws-wrapper:mariadb://}).
 */
public record SourceSettings(String url, Credentials credentials) {
    /** The database family, used for SQL dialect details. */
    public Dialect dialect() {
        return url.contains(":postgresql:") ? Dialect.POSTGRESQL : url.contains(":mariadb:") ? Dialect.MARIADB : Dialect.MYSQL;
    }

    public enum Dialect { POSTGRESQL, MYSQL, MARIADB }
}
