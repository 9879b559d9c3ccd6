package io.cachecheck.remediate;

import io.cachecheck.cache.CachedValue;
import io.cachecheck.check.Canonicalizer;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.ShardValidator;
import io.cachecheck.contract.Cell;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.ContractLoader;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.contract.ValueType;
import io.cachecheck.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Remediation with a cell contract, against two throw-away Redis servers: each key is deleted in its tenant's cell
 * only, even where the other cell's cache holds the same key with the same value.
 */
class CellRemediationIT {
    private static final String VALUE = "{\"status\":\"old\"}";
    private RedisServerProcess cellA;
    private RedisServerProcess cellB;
    private Contract template;

    @BeforeEach
    void start() throws Exception {
        cellA = RedisServerProcess.start();
        cellB = RedisServerProcess.start();
        template = ContractLoader.withEnvironment(k -> null).parse("""
                version: 1
                cache: {url: "redis://127.0.0.1:{cache_port}/0"}
                source:
                  url: jdbc:aws-wrapper:postgresql://127.0.0.1:5432/shop_{shard}
                  auth: {username: postgres}
                tenants:
                  source: {url: "jdbc:aws-wrapper:postgresql://127.0.0.1:5432/test", auth: {username: postgres}}
                  sql: SELECT tenant_id, cell, cache_port FROM tenants
                  shardColumn: cell
                  cellColumns: [cache_port]
                namespaces:
                  - name: orders
                    keyPattern: "cr:t:{tenant_id}:order:{order_id}"
                    valueType: json
                    sql: SELECT order_id, status FROM orders WHERE tenant_id = :tenant_id AND order_id IN (:order_id)
                    fields: {status: status}
                """);
        for (RedisServerProcess cell : List.of(cellA, cellB)) {
            try (Jedis redis = cell.client()) {
                redis.set("cr:t:acme:order:1", VALUE);
                redis.set("cr:t:initech:order:2", VALUE);
            }
        }
    }

    @AfterEach
    void stop() {
        cellA.close();
        cellB.close();
    }

    private Contract cell(String id, RedisServerProcess server) {
        return template.inCell(new Cell(id, Map.of("cache_port", Integer.toString(server.port())), null, null));
    }

    private static PlannedAction invalidate(String tenant, String key) {
        String digest = Canonicalizer.hex(ShardValidator.rawDigest(new CachedValue.Text(VALUE.getBytes(StandardCharsets.UTF_8))));
        return new PlannedAction(tenant, "orders", key, ValueType.JSON, Action.INVALIDATE, DriftClass.STALE, digest);
    }

    @Test
    void execute_deletesEachKeyInItsTenantsCellOnly_andAnUnknownCellActsNowhere() {
        Contract a = cell("a", cellA);
        Contract b = cell("b", cellB);
        Map<String, Contract> cellOf = Map.of("acme", a, "initech", b);
        RemediationPlan plan = new RemediationPlan(List.of(invalidate("acme", "cr:t:acme:order:1"),
                invalidate("initech", "cr:t:initech:order:2"), invalidate("hooli", "cr:t:hooli:order:3")),
                List.of(), true, List.of(), Limits.defaults());

        RemediationReport dry = CellRemediation.execute(plan, true, KeyResolver.PLAIN, cellOf::get,
                SecretResolver.withEnvironment(k -> null), Limits.defaults());
        assertThat(dry.results()).extracting(ActionResult::outcome)
                .containsExactly(Outcome.DRY_RUN, Outcome.DRY_RUN, Outcome.FAILED);

        RemediationReport report = CellRemediation.execute(plan, false, KeyResolver.PLAIN, cellOf::get,
                SecretResolver.withEnvironment(k -> null), Limits.defaults());

        assertThat(report.results()).extracting(r -> r.key() + "=" + r.outcome() + ":" + r.reason()).containsExactly(
                "cr:t:acme:order:1=APPLIED:invalidated", "cr:t:initech:order:2=APPLIED:invalidated",
                "cr:t:hooli:order:3=FAILED:" + CellRemediation.CELL_UNKNOWN);
        try (Jedis ra = cellA.client(); Jedis rb = cellB.client()) {
            assertThat(ra.exists("cr:t:acme:order:1")).isFalse();
            assertThat(ra.exists("cr:t:initech:order:2")).as("initech is in cell b: cell a's copy stays").isTrue();
            assertThat(rb.exists("cr:t:initech:order:2")).isFalse();
            assertThat(rb.exists("cr:t:acme:order:1")).as("acme is in cell a: cell b's copy stays").isTrue();
        }
    }

    @Test
    void execute_overACap_executesNothingInAnyCell() {
        Map<String, Contract> cellOf = Map.of("acme", cell("a", cellA), "initech", cell("b", cellB));
        RemediationPlan plan = new RemediationPlan(List.of(invalidate("acme", "cr:t:acme:order:1"),
                invalidate("initech", "cr:t:initech:order:2")), List.of(), true, List.of(), Limits.defaults());

        RemediationReport report = CellRemediation.execute(plan, false, KeyResolver.PLAIN, cellOf::get,
                SecretResolver.withEnvironment(k -> null), new Limits(1, 200, 100));

        assertThat(report.executed()).isFalse();
        assertThat(report.notExecutedReasons()).singleElement().asString().startsWith("plan has 2 actions, more than maxKeysPerRun 1");
        try (Jedis ra = cellA.client(); Jedis rb = cellB.client()) {
            assertThat(ra.dbSize()).isEqualTo(2);
            assertThat(rb.dbSize()).isEqualTo(2);
        }
    }
}
