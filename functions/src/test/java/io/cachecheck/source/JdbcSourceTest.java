package io.cachecheck.source;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JdbcSourceTest {
    @Test
    void fixFor_pointsAtTheConnectionSettingsWhenTheServerRefusedLoginDatabaseOrPrivilege() {
        assertThat(JdbcSource.fixFor(new java.sql.SQLException("database \"nosuch\" does not exist", "3D000")))
                .startsWith("check source.url");
        assertThat(JdbcSource.fixFor(new java.sql.SQLException("password authentication failed", "28P01"))).startsWith("check source.url");
        assertThat(JdbcSource.fixFor(new java.sql.SQLException("permission denied for table orders", "42501"))).startsWith("check source.url");
        assertThat(JdbcSource.fixFor(new java.sql.SQLException("Unknown database 'nosuch'", "42000", 1049))).startsWith("check source.url");
        assertThat(JdbcSource.fixFor(new java.sql.SQLException("You have an error in your SQL syntax", "42000", 1064)))
                .isEqualTo("fix the query or the mapping");
        assertThat(JdbcSource.fixFor(new java.sql.SQLException("column \"x\" does not exist", "42703"))).isEqualTo("fix the query or the mapping");
    }

    @Test
    void fixFor_aRefusedWrite_saysTheQueryMustOnlyRead_andADataError_pointsAtTheValues() {
        String readOnly = "a contract query only reads, and cachecheck runs it in a read-only session: make it a plain"
                + " SELECT (no data-modifying WITH, no function that writes)";
        assertThat(JdbcSource.fixFor(new java.sql.SQLException("cannot execute DELETE in a read-only transaction", "25006")))
                .isEqualTo(readOnly);
        assertThat(JdbcSource.fixFor(new java.sql.SQLException("Cannot execute statement in a READ ONLY transaction", "25006", 1792)))
                .isEqualTo(readOnly);
        assertThat(JdbcSource.fixFor(new java.sql.SQLException("The MySQL server is running with the --read-only option", "HY000", 1290)))
                .isEqualTo(readOnly);
        assertThat(JdbcSource.fixFor(new java.sql.SQLException("Connection is read-only. Queries leading to data modification"
                + " are not allowed.", "S1009"))).isEqualTo(readOnly);
        assertThat(JdbcSource.fixFor(new java.sql.SQLException("invalid input syntax", "22P02")))
                .startsWith("the error is about a value");
        assertThat(JdbcSource.fixFor(new java.sql.SQLException("raised", "P0001"))).startsWith("the error is about a value");
    }

    @Test
    void isConnectionProblem_followsTheSqlStateBeforeTheExceptionClass() {
        // MariaDB Connector/J: an unknown class (a SIGNAL's 45000) comes as a "transient connection" exception
        assertThat(JdbcSource.isConnectionProblem(new java.sql.SQLTransientConnectionException("bad note", "45000"))).isFalse();
        assertThat(JdbcSource.isConnectionProblem(new java.sql.SQLTransientConnectionException("x", "22007"))).isFalse();
        assertThat(JdbcSource.isConnectionProblem(new java.sql.SQLNonTransientConnectionException("reset", "08000"))).isTrue();
        assertThat(JdbcSource.isConnectionProblem(new java.sql.SQLTimeoutException("timeout", "70100"))).isTrue();
        assertThat(JdbcSource.isConnectionProblem(new java.sql.SQLException("socket closed"))).isTrue();
        assertThat(JdbcSource.isConnectionProblem(new java.sql.SQLException("terminated", "57P01"))).isTrue();
        assertThat(JdbcSource.isConnectionProblem(new java.sql.SQLException("read-only", "25006"))).isFalse();
    }

    @Test
    void arrayLiteral_quotesEveryElementAndEscapesQuotesAndBackslashes() {
        List<String[]> keys = List.of(new String[]{"1", "x"}, new String[]{"a,b", "y"}, new String[]{"q\"uo\\te", "z"}, new String[]{"{}", "w"});
        assertThat(JdbcSource.arrayLiteral(keys, 0)).isEqualTo("{\"1\",\"a,b\",\"q\\\"uo\\\\te\",\"{}\"}");
        assertThat(JdbcSource.arrayLiteral(keys, 1)).isEqualTo("{\"x\",\"y\",\"z\",\"w\"}");
    }

    @Test
    void paddedSize_roundsUpToAPowerOfTwo() {
        assertThat(JdbcSource.paddedSize(1)).isEqualTo(1);
        assertThat(JdbcSource.paddedSize(3)).isEqualTo(4);
        assertThat(JdbcSource.paddedSize(500)).isEqualTo(512);
    }

    @Test
    void combinedSql_wrapsEachPartAsADerivedTableWithItsNumber() {
        assertThat(JdbcSource.combinedSql("SELECT id FROM t WHERE tenant_id = ? AND id = ANY(?) -- c", 2)).isEqualTo(
                "SELECT 0 AS cachecheck_part__, q.* FROM (\nSELECT id FROM t WHERE tenant_id = ? AND id = ANY(?) -- c\n) q"
                        + "\nUNION ALL\n"
                        + "SELECT 1 AS cachecheck_part__, q.* FROM (\nSELECT id FROM t WHERE tenant_id = ? AND id = ANY(?) -- c\n) q");
    }

    @Test
    void queryTimeoutSeconds_isTheWholeSecondsLeftBetweenOneAndSixty() {
        assertThat(JdbcSource.queryTimeoutSeconds(Duration.ofMillis(2_900))).isEqualTo(2);
        assertThat(JdbcSource.queryTimeoutSeconds(Duration.ofMillis(400))).isEqualTo(1); // 0 would mean no timeout
        assertThat(JdbcSource.queryTimeoutSeconds(Duration.ofSeconds(-5))).isEqualTo(1);
        assertThat(JdbcSource.queryTimeoutSeconds(Duration.ofMinutes(14))).isEqualTo(60);
    }
}
