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
