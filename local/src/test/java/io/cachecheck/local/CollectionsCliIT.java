package io.cachecheck.local;

import io.cachecheck.audit.AuditLog;
import io.cachecheck.audit.AuditLogSchemaValidator;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Finding;
import io.cachecheck.local.cli.CacheCheckCli;
import io.cachecheck.remediate.PlannedAction;
import io.cachecheck.testing.CollectionDataset;
import io.cachecheck.workflow.Json;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The snippets of docs/contract.md's "Collections" section, as written there, run by {@code cachecheck validate}
 * (the state machine, in-process) against PostgreSQL (schema cc_it_collections_cli) and MariaDB (database
 * cc_it_collections_cli), with Redis db 2: the audit log holds exactly the injected drift, and no member.
 */
class CollectionsCliIT {
    private static final String SCHEMA = "cc_it_collections_cli";
    private static final int REDIS_DB = 2;
    /** Members and values the dataset writes: none may reach the audit log. */
    private static final List<String> SEEDED_VALUES = List.of("alice", "carol", "dave", "blue", "caf\u00e9", "p1c", "p2b");

    @TempDir
    Path out;

    @ParameterizedTest(name = "postgres={0}")
    @ValueSource(booleans = {true, false})
    void validate_docSnippets_auditLogHoldsExactlyTheInjectedDrift(boolean postgres) throws Exception {
        CollectionDataset data = new CollectionDataset(SCHEMA, postgres);
        String admin = postgres ? "jdbc:postgresql://127.0.0.1:5432/test" : "jdbc:mariadb://127.0.0.1:3306/test";
        try (RedisClient redis = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", 6379))
                .clientConfig(DefaultJedisClientConfig.builder().database(REDIS_DB).build()).build()) {
            redis.flushDB();
            try (Connection db = DriverManager.getConnection(admin, data.user(), "")) {
                data.seed(db, redis);
            }
            try {
                Path contract = out.resolve("contract.yaml");
                Files.writeString(contract, data.contract("redis://127.0.0.1:6379/" + REDIS_DB,
                        CollectionDataset.docSnippets(Path.of("../docs/contract.md")), null));
                ByteArrayOutputStream stdout = new ByteArrayOutputStream();
                ByteArrayOutputStream stderr = new ByteArrayOutputStream();
                CacheCheckCli cli = new CacheCheckCli(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                        new PrintStream(stderr, true, StandardCharsets.UTF_8));

                int exit = cli.run(new String[]{"validate", "--contract", contract.toString(), "--out", out.toString(),
                        "--run-id", "it-collections", "--quiet"});

                assertThat(exit).as(stderr.toString(StandardCharsets.UTF_8)).isEqualTo(CacheCheckCli.DRIFT);
                String json = Files.readString(out.resolve("audit/it-collections.json"));
                assertThat(AuditLogSchemaValidator.create().check(json, SEEDED_VALUES)).isEmpty();
                AuditLog log = Json.MAPPER.readValue(json, AuditLog.class);
                assertThat(log.findings()).extracting(f -> f.tenant() + "|" + f.namespace() + "|" + f.key() + "|"
                        + f.driftClass() + "|" + f.reason()).containsExactlyInAnyOrderElementsOf(data.expected());
                long keys = data.keysPerGroup().values().stream().mapToLong(Integer::longValue).sum();
                assertThat(log.summary().keysChecked()).isEqualTo(keys);
                assertThat(log.summary().counts().get(DriftClass.CONSISTENT)).isEqualTo(keys - data.expected().size());
                assertThat(log.namespaces()).extracting(n -> n.namespace()).containsExactlyInAnyOrder(
                        "user_roles", "user_tags", "recent_views", "leaderboard", "job_queue");
                // every drifted collection is in the dry-run plan, with its value type, but the CORRUPT (wrong-type)
                // keys: never compared, so excluded by default
                assertThat(log.remediation().plan().actions()).extracting(PlannedAction::key)
                        .containsExactlyInAnyOrderElementsOf(log.findings().stream().filter(f -> f.driftClass() != DriftClass.CORRUPT)
                                .map(Finding::key).collect(Collectors.toList()));
                assertThat(log.remediation().plan().excluded()).extracting(io.cachecheck.remediate.Excluded::reason)
                        .containsExactly("not-compared-undecodable", "not-compared-undecodable");
                assertThat(log.remediation().plan().actions()).extracting(a -> a.valueType().name()).contains("SET", "ZSET", "LIST");
                assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("Run it-collections (manual): DRIFT",
                        "drifted: " + data.expected().size() + " (stale 8, orphan 3, corrupt 2, unmapped 0)");
            } finally {
                try (Connection db = DriverManager.getConnection(admin, data.user(), "")) {
                    data.dropSchema(db);
                }
                redis.flushDB();
            }
        }
    }
}
