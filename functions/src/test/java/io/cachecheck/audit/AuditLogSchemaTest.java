package io.cachecheck.audit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachecheck.baseline.BaselineComparator;
import io.cachecheck.baseline.BaselineComparatorTest;
import io.cachecheck.baseline.Comparison;
import io.cachecheck.baseline.GateEvaluator;
import io.cachecheck.baseline.GatePolicy;
import io.cachecheck.baseline.RunSnapshot;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Verdict;
import io.cachecheck.remediate.Limits;
import io.cachecheck.remediate.RemediationPlan;
import io.cachecheck.remediate.RemediationPlanner;
import io.cachecheck.remediate.RemediationReport;
import io.cachecheck.remediate.TestContracts;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.cachecheck.baseline.BaselineComparatorTest.result;
import static org.assertj.core.api.Assertions.assertThat;

class AuditLogSchemaTest {
    private static final AuditLogSchemaValidator SCHEMA = AuditLogSchemaValidator.create();
    private static final Instant T1 = Instant.parse("2026-03-01T10:00:00Z");

    private static String validDocument() {
        RunSnapshot previous = BaselineComparatorTest.run("run-1", T1, List.of(result("t1", "orders", 10, 0, 0, true)), List.of());
        RunSnapshot run = BaselineComparatorTest.run("run-2", T1.plusSeconds(3600), List.of(result("t1", "orders", 10, 2, 0, true)),
                List.of(AuditDocuments.finding("t1", "orders", "as:t:t1:order:1", DriftClass.STALE, T1),
                        AuditDocuments.finding("t1", "orders", "as:t:t1:order:2", DriftClass.IN_FLIGHT, T1)));
        Comparison c = BaselineComparator.compare(BaselineComparator.compare(null, previous, 0).baseline(), run, 0.0);
        RemediationPlan plan = RemediationPlanner.plan(TestContracts.contract("as"), run.findings(), Limits.defaults());
        RemediationReport report = new RemediationReport(true, true, List.of(), List.of());
        return AuditDocuments.document(run, c, GateEvaluator.evaluate(GatePolicy.defaults(), run, c), plan, report, Verdict.DRIFT);
    }

    private static ObjectNode parse(String json) throws Exception {
        return (ObjectNode) io.cachecheck.workflow.Json.MAPPER.readTree(json);
    }

    @Test
    void validate_whenDocumentBuiltFromEngineRecords_hasNoViolations() throws Exception {
        String json = validDocument();
        assertThat(SCHEMA.validate(json)).isEmpty();
        ObjectNode doc = parse(json);
        assertThat(doc.path("comparison").path("regressions")).hasSize(2); // one new key, one score drop
        assertThat(doc.path("remediation").path("plan").path("actions")).hasSize(1);
        assertThat(doc.path("summary").path("regressions").asInt()).isEqualTo(2);
        // keys skipped by cache.ignoreKeyPrefixes are counted where the audit trail keeps them (docs/contract.md)
        assertThat(doc.path("shards").get(0).path("keysIgnored").asLong()).isEqualTo(2);
    }

    /** A sampled run's audit log: SAMPLED verdicts, the sampling object with its Wilson intervals, valid and readable. */
    @Test
    void validate_whenRunIsSampled_hasSamplingEstimatesAndNoViolations() throws Exception {
        Instant at = T1;
        List<io.cachecheck.check.TenantNamespaceResult> results = List.of(result("t1", "orders", 1000, 10, 0, true),
                result("t2", "orders", 500, 0, 0, true));
        java.util.Map<DriftClass, Long> counts = new java.util.EnumMap<>(DriftClass.class);
        for (DriftClass c : DriftClass.values()) {
            counts.put(c, 0L);
        }
        counts.put(DriftClass.CONSISTENT, 1490L);
        counts.put(DriftClass.STALE, 10L);
        io.cachecheck.check.ShardResult shard = new io.cachecheck.check.ShardResult("shard-0", Verdict.DRIFT, at, at.plusSeconds(3),
                new io.cachecheck.check.ShardResult.Timings(3000, 2500, 0), 150_000, 0, counts, 0, List.of(), results,
                List.of(AuditDocuments.finding("t1", "orders", "as:t:t1:order:1", DriftClass.STALE, at)), false, List.of(),
                new io.cachecheck.check.ShardResult.Sampling(0.01, 148_500));
        Trigger trigger = new Trigger("manual", null, 0.02, true, false, 0.01, false, 4, false, "latest", 0.01, 20_000.0, null);
        AuditLog log = AuditLogBuilder.build("run-s", trigger, at, at.plusSeconds(3), List.of("t1", "t2"), List.of(),
                List.of(new ShardOutcome("shard-0", shard, List.of("t1", "t2"), "runs/run-s/shards/shard-0.json", null, null)));
        log = new AuditLog(log.version(), log.runId(), trigger, log.startedAt(), log.finishedAt(), "plain", log.summary(),
                new io.cachecheck.baseline.GateDecision(true, List.of()), log.steps(), log.tenants(), log.namespaces(),
                log.shards(), log.findings(), false, List.of(), ComparisonReport.of("latest",
                BaselineComparator.compare(null, RunSnapshot.of("run-s", at, List.of(shard)).sampled(0.01), 0.01), "baselines/run-s.json"),
                null, log.sampling());
        String json = new String(io.cachecheck.workflow.Json.pretty(log), java.nio.charset.StandardCharsets.UTF_8);

        assertThat(SCHEMA.validate(json)).isEmpty();
        assertThat(log.summary().verdict()).isEqualTo(Verdict.DRIFT);
        assertThat(log.tenants()).extracting(TenantReport::verdict).containsExactly(Verdict.DRIFT, Verdict.SAMPLED);
        SamplingReport s = log.sampling();
        assertThat(s.keysNotSampled()).isEqualTo(148_500);
        assertThat(s.overall()).isEqualTo(io.cachecheck.sample.DriftEstimate.wilson(10, 1500));
        assertThat(s.gateBound()).isEqualTo(s.overall().high());
        assertThat(s.tenants()).extracting(e -> e.tenant() + " " + e.driftRatio().drifted() + "/" + e.driftRatio().keysChecked())
                .containsExactly("t1 10/1000", "t2 0/500");
        assertThat(s.tenants().get(1).driftRatio().high()).isGreaterThan(0); // no drift in a sample is not "no drift"
        assertThat(s.namespaces()).extracting(e -> e.namespace() + " " + e.driftRatio().drifted()).containsExactly("orders 10");
        assertThat(s.tenantNamespaces()).hasSize(2);
        // read back as the CLI and the local runner read it
        AuditLog read = io.cachecheck.workflow.Json.MAPPER.readValue(json, AuditLog.class);
        assertThat(read.sampling()).isEqualTo(s);
        assertThat(read.trigger().sample()).isEqualTo(0.01);
        // a full run's audit log has no sampling object
        assertThat(parse(validDocument()).has("sampling")).isFalse();
    }

    @Test
    void validate_whenFindingCarriesAValue_rejectsIt() throws Exception {
        ObjectNode doc = parse(validDocument());
        ((ObjectNode) doc.withArray("findings").get(0)).put("cachedValue", "{\"status\":\"x\"}");
        assertThat(SCHEMA.validate(doc.toString())).singleElement().asString().contains("/findings/0").contains("cachedValue");
    }

    @Test
    void validate_whenTriggerUnknownOrSummaryMissing_rejectsIt() throws Exception {
        ObjectNode doc = parse(validDocument());
        ((ObjectNode) doc.get("trigger")).put("mode", "cron");
        doc.remove("summary");
        assertThat(SCHEMA.validate(doc.toString())).hasSize(2).anyMatch(e -> e.contains("/trigger/mode")).anyMatch(e -> e.contains("summary"));
    }

    @Test
    void validate_whenNewDriftRegressionHasNoKey_rejectsIt() throws Exception {
        ObjectNode doc = parse(validDocument());
        ArrayNode regressions = (ArrayNode) doc.get("comparison").get("regressions");
        for (int i = 0; i < regressions.size(); i++) {
            if (regressions.get(i).path("kind").asText().equals("NEW_DRIFT")) {
                ((ObjectNode) regressions.get(i)).putNull("key");
            }
        }
        assertThat(SCHEMA.validate(doc.toString())).isNotEmpty().allMatch(e -> e.contains("/comparison/regressions/"));
    }

    @Test
    void validate_whenDigestIsNotSha256Hex_rejectsIt() throws Exception {
        ObjectNode doc = parse(validDocument());
        ((ObjectNode) doc.withArray("findings").get(0)).put("valueDigest", "shipped");
        assertThat(SCHEMA.validate(doc.toString())).isNotEmpty().allMatch(e -> e.contains("/findings/0/valueDigest"));
    }
}
