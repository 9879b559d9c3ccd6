package io.cachecheck.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachecheck.workflow.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cache reached over TLS ({@code rediss://}), as ElastiCache with in-transit encryption is: a redis-server with a
 * TLS port and a certificate from a throw-away CA, checked through the packaged CLI ({@code target/cachecheck.jar})
 * in its own JVM, once trusting that CA and once not. Skipped when openssl is missing.
 */
class TlsCacheIT {
    private static final String SCHEMA = "cc_it_tls";
    private static Path dir;
    private static Process redis;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(onPath("openssl"), "openssl is not installed");
        dir = Files.createTempDirectory("cachecheck-tls");
        run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
                "-subj", "/CN=cachecheck-test-ca");
        run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
        Files.writeString(dir.resolve("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        run(dir, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.crt", "-days", "2", "-extfile", "ext.cnf");
        run(dir, Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-importcert", "-noprompt", "-alias", "ca",
                "-file", "ca.crt", "-keystore", "trust.p12", "-storetype", "PKCS12", "-storepass", "changeit");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        redis = new ProcessBuilder("redis-server", "--port", "0", "--tls-port", Integer.toString(port), "--bind", "127.0.0.1",
                "--tls-cert-file", "server.crt", "--tls-key-file", "server.key", "--tls-ca-cert-file", "ca.crt",
                "--tls-auth-clients", "no", "--save", "", "--appendonly", "no")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        waitForPort(port);
        redisCli("SET", "tls:acme:customer:1", "{\"tier\":\"gold\"}");
        redisCli("SET", "tls:acme:customer:2", "{\"tier\":\"bronze\"}");
        try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
             Statement st = db.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            st.execute("CREATE SCHEMA " + SCHEMA);
            st.execute("CREATE TABLE " + SCHEMA + ".tenants (tenant_id text PRIMARY KEY, active boolean NOT NULL)");
            st.execute("INSERT INTO " + SCHEMA + ".tenants VALUES ('acme', true)");
            st.execute("CREATE TABLE " + SCHEMA + ".customers (tenant_id text, customer_id bigint, tier text, PRIMARY KEY (tenant_id, customer_id))");
            st.execute("INSERT INTO " + SCHEMA + ".customers VALUES ('acme', 1, 'gold'), ('acme', 2, 'silver')");
        }
        Files.writeString(dir.resolve("contract.yaml"), """
                version: 1
                cache:
                  url: rediss://127.0.0.1:%d/0
                source:
                  url: jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test
                  auth:
                    username: postgres
                tenants:
                  sql: SELECT tenant_id FROM %s.tenants WHERE active
                check:
                  graceMillis: 0
                  maxRetries: 1
                  retryBackoffMillis: 10
                namespaces:
                  - name: customer
                    keyPattern: "tls:{tenant_id}:customer:{customer_id}"
                    valueType: json
                    sql: SELECT customer_id, tier FROM %s.customers WHERE tenant_id = :tenant_id AND customer_id IN (:customer_id)
                    fields:
                      tier: tier
                """.formatted(port, SCHEMA, SCHEMA));
    }

    @AfterAll
    static void stop() throws Exception {
        if (redis != null) {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
        if (dir != null) {
            try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
                 Statement st = db.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            }
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void validate_overTls_withTheServersCaTrusted_findsTheStaleKey() throws Exception {
        Path out = dir.resolve("out-trusted");
        int exit = cli(out, "-Djavax.net.ssl.trustStore=" + dir.resolve("trust.p12"), "-Djavax.net.ssl.trustStorePassword=changeit");
        assertThat(exit).as(Files.readString(dir.resolve("cli.log"))).isEqualTo(1);
        JsonNode audit = onlyAuditLog(out);
        assertThat(audit.at("/summary/verdict").asText()).isEqualTo("DRIFT");
        assertThat(audit.at("/summary/keysChecked").asLong()).isEqualTo(2);
        assertThat(audit.at("/findings/0/key").asText()).isEqualTo("tls:acme:customer:2");
        assertThat(audit.at("/findings/0/driftClass").asText()).isEqualTo("STALE");
    }

    @Test
    void validate_overTls_withAnUntrustedCertificate_isIncompleteAndSaysWhy() throws Exception {
        Path out = dir.resolve("out-untrusted");
        int exit = cli(out);
        assertThat(exit).as(Files.readString(dir.resolve("cli.log"))).isEqualTo(2);
        JsonNode audit = onlyAuditLog(out);
        assertThat(audit.at("/summary/verdict").asText()).isEqualTo("INCOMPLETE");
        assertThat(audit.at("/summary/keysChecked").asLong()).isZero();
        assertThat(audit.at("/shards/0/skipped/0/reason").asText()).startsWith("cache-unavailable")
                .contains("TLS handshake failed").contains("javax.net.ssl.trustStore");
    }

    /** Runs {@code java [jvmArgs] -jar target/cachecheck.jar validate} in its own JVM; returns the exit code. */
    private static int cli(Path out, String... jvmArgs) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(jvmArgs));
        command.addAll(List.of("-jar", new File("target/cachecheck.jar").getAbsolutePath(), "validate",
                "--contract", dir.resolve("contract.yaml").toString(), "--out", out.toString(), "--quiet"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("cli.log").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    private static JsonNode onlyAuditLog(Path out) throws IOException {
        try (var files = Files.list(out.resolve("audit"))) {
            // audit/ also holds the run's HTML report (audit/<runId>.html)
            List<Path> logs = files.filter(f -> f.toString().endsWith(".json")).toList();
            assertThat(logs).hasSize(1);
            return Json.MAPPER.readTree(logs.get(0).toFile());
        }
    }

    private static void redisCli(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("redis-cli", "--tls", "--cacert", dir.resolve("ca.crt").toString(),
                "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        run(dir, command.toArray(new String[0]));
    }

    private static boolean onPath(String binary) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, binary))) {
                return true;
            }
        }
        return false;
    }

    private static void run(Path workDir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(workDir.resolve("cmd.log").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + Files.readString(workDir.resolve("cmd.log")));
        }
    }

    private static void waitForPort(int p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket ignored = new Socket("127.0.0.1", p)) {
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || !redis.isAlive()) {
                    throw new IOException("redis-server with TLS did not start: " + Files.readString(dir.resolve("redis.log")));
                }
                Thread.sleep(50);
            }
        }
    }
}
