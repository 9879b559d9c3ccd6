package io.cachecheck.workflow;

import io.cachecheck.audit.AuditLog;
import io.cachecheck.audit.ComparisonReport;
import io.cachecheck.audit.RunSummary;
import io.cachecheck.audit.Trigger;
import io.cachecheck.baseline.GateDecision;
import io.cachecheck.audit.RemediationRecord;
import io.cachecheck.audit.ShardReport;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Skipped;
import io.cachecheck.check.Verdict;
import io.cachecheck.remediate.Excluded;
import io.cachecheck.remediate.Limits;
import io.cachecheck.remediate.RemediationPlan;
import io.cachecheck.remediate.RemediationReport;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The one-screen summary says why a run is incomplete and does not suggest --remediate when it could do nothing. */
class AggregateSummaryTest {

    private static ShardReport failed(String shardId, String error, String cause) {
        return new ShardReport(shardId, Verdict.INCOMPLETE, List.of("acme"), 0, 0, 0, 0, Map.of(),
                List.of(new Skipped(null, null, null, 0, "shard-failed: " + error)), null, error, cause);
    }

    private static ShardReport skipped(String shardId, Skipped... parts) {
        return new ShardReport(shardId, Verdict.INCOMPLETE, List.of("acme", "globex"), 5, 0, 0, 0, Map.of(),
                List.of(parts), "runs/r/shards/" + shardId + ".json", null, null);
    }

    @Test
    void aFailedShard_showsItsErrorAndCause_onOneLine() {
        List<String> lines = Aggregate.incompleteLines(List.of(failed("shard-0", "io.cachecheck.error.ContractException",
                "namespace product: column 'in_stok' is mapped but the sql does not return it\n  select it")), true);

        assertThat(lines).containsExactly("shard-0 failed: io.cachecheck.error.ContractException: namespace product:"
                + " column 'in_stok' is mapped but the sql does not return it select it");
    }

    @Test
    void withRedactedKeys_aFailedShardsCauseIsNotPrinted_becauseItMayQuoteKeyText() {
        List<String> lines = Aggregate.incompleteLines(List.of(failed("shard-1", "io.cachecheck.error.ContractException",
                "namespace order sql failed: ERROR: invalid input syntax for type uuid: \"jane.doe\"")), false);

        assertThat(lines).containsExactly("shard-1 failed: io.cachecheck.error.ContractException"
                + " (keys are redacted: the cause is withheld; see the ValidateShard log)");
        assertThat(String.join("\n", lines)).doesNotContain("jane.doe");
    }

    @Test
    void skippedParts_areGroupedByNodeAndReason() {
        List<String> lines = Aggregate.incompleteLines(List.of(skipped("shard-0",
                new Skipped("acme", null, "127.0.0.1:6999", 0, "cache-unavailable: scan of node failed after retries"),
                new Skipped("globex", null, "127.0.0.1:6999", 0, "cache-unavailable: scan of node failed after retries"),
                new Skipped("acme", "order", null, 12, "deadline"),
                new Skipped("globex", "order", null, 5, "deadline"),
                new Skipped("acme", "order", null, 30, "deadline"))), true);

        // a tenant/namespace skipped in several batches is named once, with its keys added up
        assertThat(lines).containsExactly(
                "shard-0: acme, globex not checked on 127.0.0.1:6999: cache-unavailable: scan of node failed after retries",
                "shard-0: acme/order, globex/order not checked (47 keys known): deadline");
    }

    @Test
    void aCompleteRun_hasNoLines_andManyPartsAreCapped() {
        assertThat(Aggregate.incompleteLines(List.of(skipped("shard-0")), true)).isEmpty();
        assertThat(Aggregate.incompleteLines(null, true)).isEmpty();

        List<ShardReport> many = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            many.add(failed("shard-" + i, "States.Timeout", null));
        }
        List<String> lines = Aggregate.incompleteLines(many, true);
        assertThat(lines).hasSize(Aggregate.MAX_INCOMPLETE_LINES + 1)
                .startsWith("shard-0 failed: States.Timeout")
                .endsWith("... and 3 more (see shards in the audit log)");
    }

    private static AuditLog withRemediation(RemediationRecord remediation) {
        return new AuditLog(1, "r", null, null, null, "plain", null, null, List.of(), List.of(), List.of(), List.of(),
                List.of(), false, List.of(), null, remediation);
    }

    @Test
    void remediationLine_withOnlyUnmappedDrift_saysWhyNothingIsPlanned_insteadOfSuggestingRemediate() {
        RemediationPlan plan = new RemediationPlan(List.of(), List.of(
                new Excluded(null, null, "other:thing", DriftClass.UNMAPPED, "unmapped"),
                new Excluded("initech", null, "shop:initech:product:1", DriftClass.UNMAPPED, "unmapped")),
                true, List.of(), Limits.defaults());
        RemediationReport report = new RemediationReport(true, true, List.of(), List.of());

        String line = Aggregate.remediationLine(withRemediation(new RemediationRecord(false, plan, report)));

        assertThat(line).isEqualTo("Remediation: required for 0 keys (2 drifted keys get no action: unmapped 2;"
                + " see docs/remediation.md)");
    }

    @Test
    void summaryText_ofARunThatCheckedNothing_saysSo_andSaysWhy() {
        Map<DriftClass, Long> counts = new EnumMap<>(DriftClass.class);
        for (DriftClass c : DriftClass.values()) {
            counts.put(c, 0L);
        }
        RunSummary summary = new RunSummary(Verdict.INCOMPLETE, 1, 0, 0, 0, 0, 0, counts, 100, 0, List.of(), 1, 1,
                0, 0, 0, 0, 0);
        GateDecision decision = new GateDecision(false, List.of("the run is incomplete: part of the scope was not checked"));
        AuditLog log = new AuditLog(1, "r-1", new Trigger("manual", null, 0, true, false, 0.01, false, 4, false, "none"),
                null, null, "plain", summary, decision, List.of(), List.of(), List.of(),
                List.of(failed("shard-0", "io.cachecheck.error.ContractException", "namespace product: column 'x' is mapped"
                        + " but the sql does not return it")), List.of(), false, List.of(),
                new ComparisonReport("none", null, null, List.of(), List.of(), List.of(), List.of(), "baselines/r-1.json"),
                null);
        GateResult gate = Aggregate.gateResult(decision, summary, "audit/r-1.json");

        String text = Aggregate.summaryText(log, gate);

        assertThat(text).contains("Consistency score: 100 / 100 (no key was checked)\n",
                "Incomplete shards: 1 of 1\n  shard-0 failed: io.cachecheck.error.ContractException: namespace product:"
                        + " column 'x' is mapped but the sql does not return it\n");
    }

    @Test
    void summaryText_whenTenantsSqlReturnedNoTenant_saysWhereToLook() {
        Map<DriftClass, Long> counts = new EnumMap<>(DriftClass.class);
        for (DriftClass c : DriftClass.values()) {
            counts.put(c, 0L);
        }
        counts.put(DriftClass.UNMAPPED, 12L);
        RunSummary summary = new RunSummary(Verdict.DRIFT, 0, 0, 0, 12, 0, 12, counts, 100, 0, List.of(), 1, 0,
                0, 0, 0, 0, 0);
        GateDecision decision = new GateDecision(false, List.of("drift"));
        AuditLog log = new AuditLog(1, "r-2", new Trigger("manual", null, 0, true, false, 0.01, false, 4, false, "none"),
                null, null, "plain", summary, decision, List.of(), List.of(), List.of(), List.of(), List.of(), false,
                List.of(), new ComparisonReport("none", null, null, List.of(), List.of(), List.of(), List.of(), "baselines/r-2.json"),
                null);

        String text = Aggregate.summaryText(log, Aggregate.gateResult(decision, summary, "audit/r-2.json"));

        assertThat(text).contains("Tenants validated: 0 of 0 (0 with drift)\nNo tenant in scope: tenants.sql returned no"
                + " active tenant; check the query (and the tenants table) before reading the unmapped keys as drift\n");
    }

    @Test
    void remediationLine_withTruncatedFindings_saysThePlanCoversOnlyTheKeptOnes() {
        RemediationPlan plan = new RemediationPlan(List.of(), List.of(), true, List.of(), Limits.defaults());
        RemediationRecord remediation = new RemediationRecord(false, plan, new RemediationReport(true, true, List.of(), List.of()));
        AuditLog truncated = new AuditLog(1, "r", null, null, null, "plain", null, null, List.of(), List.of(), List.of(),
                List.of(), List.of(), true, List.of(), null, remediation);

        assertThat(Aggregate.remediationLine(truncated)).isEqualTo("Remediation: required for 0 keys; findings were"
                + " truncated at check.maxFindings, so the plan covers only the kept findings");
        assertThat(Aggregate.remediationLine(withRemediation(remediation))).isEqualTo("Remediation: required for 0 keys");
    }

    @Test
    void baselineLine_countsUnverifiedDrift_whenThereIsSome() {
        Map<DriftClass, Long> counts = new EnumMap<>(DriftClass.class);
        RunSummary summary = new RunSummary(Verdict.INCOMPLETE, 1, 0, 0, 0, 0, 0, counts, 100, 0, List.of(), 3, 1,
                0, 0, 0, 0, 0);
        io.cachecheck.baseline.DriftedKey kept = new io.cachecheck.baseline.DriftedKey("acme", "user", "shop:acme:user:11",
                DriftClass.CORRUPT, java.time.Instant.parse("2026-03-01T10:00:00Z"), "cl-1");
        AuditLog log = new AuditLog(1, "cl-2", null, null, null, "plain", summary, null, List.of(), List.of(), List.of(),
                List.of(), List.of(), false, List.of(),
                new ComparisonReport("latest", "cl-1", null, List.of(), List.of(), List.of(), List.of(kept), "baselines/cl-2.json"),
                null);

        assertThat(Aggregate.baselineLine(log)).isEqualTo("Baseline cl-1: regressions: 0 (0 newly drifting keys, 0 score"
                + " drops), persistent: 0, resolved: 0, unverified: 1");
    }
}
