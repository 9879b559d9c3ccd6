package io.cachecheck.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachecheck.audit.AuditLog;
import io.cachecheck.audit.AuditLogBuilder;
import io.cachecheck.audit.AuditStep;
import io.cachecheck.audit.ComparisonReport;
import io.cachecheck.audit.RemediationRecord;
import io.cachecheck.audit.RunSummary;
import io.cachecheck.audit.ShardOutcome;
import io.cachecheck.audit.ShardReport;
import io.cachecheck.audit.Trigger;
import io.cachecheck.baseline.Baseline;
import io.cachecheck.baseline.BaselineComparator;
import io.cachecheck.baseline.BaselineSelection;
import io.cachecheck.baseline.BaselineStore;
import io.cachecheck.baseline.Comparison;
import io.cachecheck.baseline.GateDecision;
import io.cachecheck.baseline.GateEvaluator;
import io.cachecheck.baseline.ObjectStoreBaselineStore;
import io.cachecheck.baseline.Regression;
import io.cachecheck.baseline.RunSnapshot;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Finding;
import io.cachecheck.check.ShardResult;
import io.cachecheck.check.Skipped;
import io.cachecheck.check.TenantNamespaceResult;
import io.cachecheck.check.Verdict;
import io.cachecheck.contract.Cell;
import io.cachecheck.contract.Contract;
import io.cachecheck.error.CacheCheckException;
import io.cachecheck.error.InvalidInputException;
import io.cachecheck.redact.KeyRedactor;
import io.cachecheck.remediate.CellRemediation;
import io.cachecheck.remediate.KeyResolver;
import io.cachecheck.remediate.Limits;
import io.cachecheck.remediate.Outcome;
import io.cachecheck.remediate.RemediationExecutor;
import io.cachecheck.remediate.RemediationPlan;
import io.cachecheck.remediate.RemediationPlanner;
import io.cachecheck.remediate.RemediationReport;
import io.cachecheck.report.RunReports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The last step of a run. Reads every shard result by reference (a failed shard is an INCOMPLETE placeholder),
 * compares the run with its baseline and saves the new one, plans remediation for the drift (and executes it when
 * the input says {@code remediate: true}), decides the gate with {@link GateEvaluator}, publishes the one-screen
 * summary and writes the audit log to {@code audit/<runId>.json}.
 */
public final class Aggregate {
    private final WorkflowEnvironment env;

    public Aggregate(WorkflowEnvironment env) {
        this.env = env;
    }

    /** Facts from DiscoverShards, for the audit log. */
    public record DiscoveryFacts(int tenantCount, long durationMillis) {
    }

    /**
     * @param shards       the shard summaries themselves (in-process callers and tests); or null, and then
     * @param workItemsRef the run's work items (DiscoverShards' {@code workItemsRef}) and
     * @param map          the Distributed Map's output: the results are read from its ResultWriter manifest
     */
    public record Request(String runId, Instant startedAt, JsonNode input, DiscoveryFacts discovery,
                          List<ShardSummary> shards, String workItemsRef, MapResults.MapOutput map) {
        public Request(String runId, Instant startedAt, JsonNode input, DiscoveryFacts discovery, List<ShardSummary> shards) {
            this(runId, startedAt, input, discovery, shards, null, null);
        }
    }

    /** What Aggregate returns, and the run's figures (the handler turns them into metrics). */
    public record Result(GateResult gate, RunSummary summary) {
    }

    public Result aggregate(Request request) {
        Instant start = env.clock().instant();
        String runId = RunIds.check("runId", request.runId());
        ExecutionInput input = ExecutionInputParser.parse(request.input());
        if (request.shards() == null && request.workItemsRef() == null) {
            throw new InvalidInputException("workItemsRef: is required; pass DiscoverShards' workItemsRef and the Map"
                    + " state's output as map");
        }
        // The Distributed Map's results are in the store (ResultWriter), never in the state; every work item without
        // one is an INCOMPLETE placeholder.
        List<ShardSummary> shards = request.shards() != null ? request.shards()
                : MapResults.read(env.store(), runId, request.workItemsRef(), request.map());
        Instant startedAt = request.startedAt() == null ? start : request.startedAt();
        KeyRedactor redactor = env.redactor();
        List<ShardOutcome> outcomes = new ArrayList<>();
        // keys as written to every output (redacted when redaction is on); the real keys only for remediation
        List<ShardResult> results = new ArrayList<>();
        Map<String, String> realKeys = new LinkedHashMap<>();
        Set<String> tenants = new LinkedHashSet<>(input.tenantScope());
        for (ShardSummary s : shards) {
            ShardOutcome outcome = outcome(runId, s, redactor, realKeys);
            tenants.addAll(outcome.tenants());
            if (outcome.result() != null) {
                results.add(outcome.result());
            }
            outcomes.add(outcome);
        }
        List<AuditStep> steps = new ArrayList<>();
        steps.add(new AuditStep("validate-input", "succeeded", 0, Map.of("mode", input.mode().id())));
        if (request.discovery() != null) {
            steps.add(new AuditStep("discover-shards", "succeeded", request.discovery().durationMillis(),
                    Map.of("activeTenants", request.discovery().tenantCount(), "shards", shards.size())));
        }
        GateThresholds g = input.gate();
        Trigger trigger = new Trigger(input.mode().id(), input.allTenants() ? null : input.tenantScope(),
                g.maxDriftRatio(), g.failOnIncomplete(), g.failOnRegression(), g.scoreTolerance(), g.allowRemediation(),
                input.maxConcurrency(), input.remediate(), input.baseline(), input.sampled() ? input.sample() : null,
                input.throttle().cacheReadsPerSecond(), input.throttle().sourceQueriesPerSecond());
        AuditLog log = AuditLogBuilder.build(runId, trigger, startedAt, env.clock().instant(), new ArrayList<>(tenants),
                steps, outcomes);
        steps = new ArrayList<>(log.steps());

        // The snapshot is complete only if the audit log says so: a failed shard leaves no result to merge.
        RunSnapshot merged = RunSnapshot.of(runId, startedAt, results);
        RunSnapshot snapshot = new RunSnapshot(runId, startedAt, redactor.scheme(), merged.results(), merged.findings(),
                merged.findingsTruncated(), merged.complete(), merged.unmappedKeys());
        if (log.summary().verdict() == Verdict.INCOMPLETE) {
            snapshot = snapshot.incomplete();
        }
        if (!input.allTenants()) {
            snapshot = snapshot.scoped();
        }
        if (input.sampled()) {
            snapshot = snapshot.sampled(input.sample());
        }
        Compared withBaseline = compare(input.baseline(), snapshot, g.scoreTolerance());
        Comparison comparison = withBaseline.comparison();
        GateDecision decision = GateEvaluator.evaluate(g.policy(), snapshot, comparison);
        save(input, snapshot, withBaseline, decision, g.scoreTolerance(), steps);
        RemediationRecord remediation = remediate(input, snapshot.findings(), KeyResolver.of(realKeys), steps,
                cellsOfTenants(results));

        long applied = remediation == null ? 0 : remediation.report().count(Outcome.APPLIED);
        RunSummary summary = log.summary().with(comparison.regressions().size(), comparison.persistent().size(),
                comparison.resolved().size(), remediation == null ? 0 : remediation.plan().actions().size(), applied);
        String auditKey = RunIds.auditLogKey(runId);
        GateResult gate = gateResult(decision, summary, env.store().location(auditKey));
        steps.add(new AuditStep("aggregate", "succeeded", Duration.between(start, env.clock().instant()).toMillis(),
                Map.of("verdict", summary.verdict().name(), "gatePassed", decision.passed())));
        ComparisonReport compared = ComparisonReport.of(input.baseline(), comparison, ObjectStoreBaselineStore.key(runId));
        log = new AuditLog(log.version(), runId, trigger, startedAt, env.clock().instant(), redactor.scheme(), summary,
                decision, List.copyOf(steps), log.tenants(), log.namespaces(), log.shards(), log.findings(),
                log.findingsTruncated(), log.unmappedSample(), compared, remediation, log.sampling());
        String reportLink = writeReport(log, auditKey, steps);
        steps.add(publish(log, gate, reportLink));
        // finishedAt stays the time the report was made from, so that `cachecheck report` regenerates the same page
        log = new AuditLog(log.version(), runId, trigger, startedAt, log.finishedAt(), log.keyScheme(), summary,
                decision, steps, log.tenants(), log.namespaces(), log.shards(), log.findings(), log.findingsTruncated(),
                log.unmappedSample(), compared, remediation, log.sampling());
        env.store().put(auditKey, Json.pretty(log), "application/json");
        return new Result(gate, summary);
    }

    /**
     * The tenants a failed shard did not check: inline in its summary, or, when DiscoverShards stored the lists
     * (large runs), from the store.
     */
    private List<String> failedShardTenants(String runId, ShardSummary s) {
        if (s.tenants() != null && !s.tenants().isEmpty()) {
            return s.tenants();
        }
        if (s.shardId() == null) {
            return List.of();
        }
        try {
            RunIds.check("shards[].shardId", s.shardId());
        } catch (InvalidInputException e) {
            return List.of();
        }
        return env.store().get(RunIds.workTenantsKey(runId, s.shardId()))
                .map(json -> Json.strings(json, "tenant list of shard " + s.shardId())).orElse(List.of());
    }

    /** The shard's outcome with keys as output; adds the real keys of its findings to {@code realKeys}. */
    private ShardOutcome outcome(String runId, ShardSummary s, KeyRedactor redactor, Map<String, String> realKeys) {
        if (s.failed()) {
            // An error message can quote key text (a driver echoing a value), so with redacted keys the audit log
            // keeps the error name only; the message stays in the failed function's own log.
            return ShardOutcome.failed(s.shardId(), failedShardTenants(runId, s),
                    s.error() == null ? "States.TaskFailed" : s.error(),
                    redactor.enabled() ? CAUSE_WITHHELD : errorMessage(s.cause()));
        }
        byte[] json = env.store().get(s.resultRef()).orElseThrow(() -> new CacheCheckException("shard result "
                + env.store().location(s.resultRef()) + " is missing; it is written by ValidateShard, check the bucket's lifecycle rules"));
        StoredShardResult.Opened opened;
        try {
            opened = StoredShardResult.fromJson(json).open(redactor, env.store().location(s.resultRef()));
        } catch (IOException e) {
            throw new UncheckedIOException("shard result " + s.resultRef() + " cannot be read", e);
        }
        opened.realKeys().forEach(realKeys::putIfAbsent);
        ShardResult result = opened.result();
        List<String> tenants = result.results().stream().map(TenantNamespaceResult::tenant).distinct().toList();
        return new ShardOutcome(s.shardId(), result, tenants, s.resultRef(), null, null);
    }

    /** A comparison with the baseline it was made against, kept for {@link #save}. */
    private record Compared(BaselineStore baselines, BaselineSelection selected, Baseline previous,
                            Comparison comparison, Instant start) {
    }

    /** Loads the selected baseline and compares this run with it. */
    private Compared compare(String selection, RunSnapshot snapshot, double tolerance) {
        Instant start = env.clock().instant();
        BaselineStore baselines = ObjectStoreBaselineStore.create(env.store());
        BaselineSelection selected = BaselineSelection.parse(selection);
        Baseline previous = baselines.load(selected).orElse(null);
        return new Compared(baselines, selected, previous, BaselineComparator.compare(previous, snapshot, tolerance), start);
    }

    /**
     * Saves this run's baseline and, unless this is a {@code gate} run whose gate failed, makes it the latest.
     *
     * <p>The saved baseline always builds on {@code latest}, whatever was selected for the comparison: {@code none}
     * or an older run id changes what this run reports, not the history (first-seen dates, other tenants' figures
     * and drift) that the next run inherits. A failed gate keeps the previous latest so that retrying the pipeline
     * compares with the same baseline again: otherwise the retry would find the new drift "persistent" and pass
     * with nothing fixed.
     */
    private void save(ExecutionInput input, RunSnapshot snapshot, Compared compared, GateDecision decision,
                      double tolerance, List<AuditStep> steps) {
        Comparison comparison = compared.comparison();
        boolean comparedWithLatest = compared.selected() instanceof BaselineSelection.Latest;
        Baseline latest = comparedWithLatest ? compared.previous()
                : compared.baselines().load(BaselineSelection.latest()).orElse(null);
        Baseline history = comparedWithLatest ? comparison.baseline()
                : BaselineComparator.compare(latest, snapshot, tolerance).baseline();
        boolean makeLatest = !(input.mode() == Mode.GATE && !decision.passed());
        compared.baselines().save(history, makeLatest);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("baseline", input.baseline());
        details.put("comparedTo", comparison.comparedTo());
        details.put("regressions", comparison.regressions().size());
        details.put("persistent", comparison.persistent().size());
        details.put("resolved", comparison.resolved().size());
        details.put("unverified", comparison.unverified().size());
        details.put("saved", ObjectStoreBaselineStore.key(snapshot.runId()));
        details.put("latest", makeLatest ? snapshot.runId() : latest == null ? null : latest.runId());
        steps.add(new AuditStep("compare-baseline", "succeeded", Duration.between(compared.start(), env.clock().instant()).toMillis(),
                details));
    }

    /** With a cell contract: each tenant's cell, as its shard result names it (the cell remediation acts on). */
    private Map<String, Cell> cellsOfTenants(List<ShardResult> results) {
        Map<String, Cell> cells = new LinkedHashMap<>();
        for (ShardResult r : results) {
            if (r.cell() != null) {
                r.results().forEach(t -> cells.putIfAbsent(t.tenant(), r.cell()));
            }
        }
        return cells;
    }

    /**
     * Plans remediation for the drifted keys (with the real keys) and executes it when asked; otherwise a dry run that
     * does not touch the cache. Null when nothing drifted. With a cell contract, each key is acted on in its
     * tenant's cell ({@code cells}).
     */
    private RemediationRecord remediate(ExecutionInput input, List<Finding> findings, KeyResolver keys,
                                        List<AuditStep> steps, Map<String, Cell> cells) {
        if (findings.stream().noneMatch(f -> f.driftClass().isDrift())) {
            return null;
        }
        Instant start = env.clock().instant();
        boolean requested = input.remediate();
        Limits limits = input.remediation();
        // plan and report keep the keys as output (redacted when redaction is on); only the executor sees real keys
        RemediationPlan plan = RemediationPlanner.plan(env.contract(), findings, limits, keys);
        RemediationReport report;
        if (env.contract().cells()) {
            // each key is acted on in its own tenant's cell's cache, never in another cell's
            Map<Cell, Contract> contracts = new LinkedHashMap<>();
            cells.values().forEach(c -> contracts.computeIfAbsent(c, env.contract()::inCell));
            report = CellRemediation.execute(plan, !requested, keys,
                    tenant -> cells.containsKey(tenant) ? contracts.get(cells.get(tenant)) : null, env.secrets(), limits);
        } else {
            try (RemediationExecutor executor = RemediationExecutor.create(env.contract(), env.secrets(), limits)) {
                report = executor.execute(plan, !requested, keys);
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("actions", plan.actions().size());
        details.put("excluded", plan.excluded().size());
        details.put("dryRun", report.dryRun());
        details.put("executed", report.executed());
        report.counts().forEach((outcome, n) -> details.put(outcome.name(), n));
        String status = !report.executed() ? "blocked" : report.count(Outcome.FAILED) > 0 ? "failed" : "succeeded";
        steps.add(new AuditStep("remediate", status, Duration.between(start, env.clock().instant()).toMillis(), details));
        return new RemediationRecord(requested, plan, report);
    }

    /** Lambda reports a Java error as {"errorMessage","errorType","stackTrace"}; keep only the message. */
    static String errorMessage(String cause) {
        if (cause == null) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(cause);
            if (node != null && node.hasNonNull("errorMessage")) {
                return node.get("errorMessage").asText();
            }
        } catch (IOException notJson) {
            // a plain-text cause is kept as it is
        }
        return cause;
    }

    static GateResult gateResult(GateDecision decision, RunSummary s, String auditLogRef) {
        StringBuilder reason = new StringBuilder("verdict ").append(s.verdict());
        if (decision.passed()) {
            reason.append(String.format(Locale.ROOT, ": gate passed, %d of %d keys drifted, consistency score %s",
                    s.driftedKeys(), s.keysChecked(), trim(s.consistencyScore())));
        } else {
            reason.append(": gate failed: ").append(String.join("; ", decision.reasons()));
        }
        if (!s.worstTenants().isEmpty()) {
            reason.append("; worst tenants: ").append(String.join(", ", s.worstTenants().stream()
                    .map(t -> t.tenant() + " (score " + trim(t.score()) + ", " + t.driftedKeys() + " drifted)").toList()));
        }
        reason.append("; audit log: ").append(auditLogRef);
        return new GateResult(decision.passed(), reason.toString(), s.verdict(),
                s.worstTenants().stream().map(RunSummary.TenantScore::tenant).toList(), auditLogRef,
                s.consistencyScore(), s.driftRatio(), s.keysChecked(), s.driftedKeys(), s.tenantsInScope(),
                s.tenantsValidated(), s.incompleteShards(), s.regressions(), s.resolved(), s.remediationRequired(),
                s.remediationApplied());
    }

    /**
     * Writes the run's HTML report next to the audit log ({@link RunReports}) and returns the link for the summary,
     * or null when it could not be written: the report is a view on the audit log, so its failure is a failed step,
     * never a lost run.
     */
    private String writeReport(AuditLog log, String auditKey, List<AuditStep> steps) {
        Instant start = env.clock().instant();
        try {
            String key = RunReports.write(env.store(), log, auditKey);
            steps.add(new AuditStep("write-report", "succeeded", Duration.between(start, env.clock().instant()).toMillis(),
                    Map.of("report", key)));
            return env.store().link(key);
        } catch (RuntimeException e) {
            String error = e instanceof CacheCheckException ? e.getMessage() : e.getClass().getName();
            steps.add(new AuditStep("write-report", "failed", Duration.between(start, env.clock().instant()).toMillis(),
                    Map.of("error", error)));
            return null;
        }
    }

    private AuditStep publish(AuditLog log, GateResult gate, String reportLink) {
        RunSummary s = log.summary();
        String subject = "cachecheck " + s.verdict() + (gate.passed() ? "" : " (gate failed)") + ": run " + log.runId();
        if (subject.length() > 100) {
            subject = subject.substring(0, 97) + "...";
        }
        Instant start = env.clock().instant();
        try {
            env.notifier().publish(subject, summaryText(log, gate, reportLink));
            return new AuditStep("publish-summary", "succeeded", Duration.between(start, env.clock().instant()).toMillis(), Map.of());
        } catch (RuntimeException e) {
            // The audit log is the record of the run, and the baseline is already saved as latest: a lost notification
            // must not lose the audit log, whatever the notifier threw.
            String error = e instanceof CacheCheckException ? e.getMessage() : e.getClass().getName();
            return new AuditStep("publish-summary", "failed", Duration.between(start, env.clock().instant()).toMillis(),
                    Map.of("error", error));
        }
    }

    /** The one-screen summary without the report line (for callers that write no report). */
    public static String summaryText(AuditLog log, GateResult gate) {
        return summaryText(log, gate, null, false);
    }

    /**
     * The one-screen summary: figures, tenant ids, the link to the HTML report (the S3 console page of
     * {@code audit/<runId>.html} in AWS, its file path locally; "not written" when it failed) and the audit log
     * location; never values or secrets.
     */
    public static String summaryText(AuditLog log, GateResult gate, String reportLink) {
        return summaryText(log, gate, reportLink, true);
    }

    private static String summaryText(AuditLog log, GateResult gate, String reportLink, boolean withReport) {
        RunSummary s = log.summary();
        Map<DriftClass, Long> c = s.counts();
        StringBuilder out = new StringBuilder();
        out.append("Run ").append(log.runId()).append(" (").append(log.trigger().mode()).append("): ").append(s.verdict()).append('\n');
        out.append("Gate: ").append(gate.passed() ? "passed" : "FAILED");
        if (!gate.passed()) {
            out.append(" (").append(String.join("; ", log.gate().reasons())).append(')');
        }
        out.append('\n');
        out.append("Tenants validated: ").append(s.tenantsValidated()).append(" of ").append(s.tenantsInScope())
                .append(" (").append(s.tenantsWithDrift()).append(" with drift)").append('\n');
        if (s.tenantsInScope() == 0) {
            // Every key then reads as UNMAPPED (inactive-tenant): say where to look instead of leaving a bare 0.
            out.append("No tenant in scope: tenants.sql returned no active tenant; check the query (and the tenants"
                    + " table) before reading the unmapped keys as drift").append('\n');
        }
        out.append("Keys checked: ").append(s.keysChecked()).append(", drifted: ").append(s.driftedKeys())
                .append(" (stale ").append(c.getOrDefault(DriftClass.STALE, 0L))
                .append(", orphan ").append(c.getOrDefault(DriftClass.ORPHAN, 0L))
                .append(", corrupt ").append(c.getOrDefault(DriftClass.CORRUPT, 0L))
                .append(", unmapped ").append(c.getOrDefault(DriftClass.UNMAPPED, 0L))
                .append("), in flight: ").append(c.getOrDefault(DriftClass.IN_FLIGHT, 0L)).append('\n');
        out.append("Consistency score: ").append(trim(s.consistencyScore())).append(" / 100")
                // 100 is the documented score of an empty check; say so, so a run that checked nothing does not read as clean
                .append(s.keysChecked() == 0 ? " (no key was checked)"
                        : s.verdict() == Verdict.INCOMPLETE ? " (of the keys checked; part of the scope was not checked, see below)"
                        : log.sampling() != null ? " (of the sampled keys only)" : "")
                .append('\n');
        String sampled = samplingLine(log);
        if (sampled != null) {
            out.append(sampled).append('\n');
        }
        if (!s.worstTenants().isEmpty()) {
            out.append("Worst tenants: ").append(String.join(", ", s.worstTenants().stream()
                    .map(t -> t.tenant() + " " + trim(t.score()) + " (" + t.driftedKeys() + " drifted)").toList())).append('\n');
        }
        if (s.incompleteShards() > 0) {
            out.append("Incomplete shards: ").append(s.incompleteShards()).append(" of ").append(s.shards()).append('\n');
        }
        for (String line : incompleteLines(log.shards(), "plain".equals(log.keyScheme()))) {
            out.append("  ").append(line).append('\n');
        }
        for (io.cachecheck.audit.NamespaceReport ns : log.namespaces() == null ? List.<io.cachecheck.audit.NamespaceReport>of() : log.namespaces()) {
            if (ns.wrongFormat() != null) {
                out.append("Wrong format? ").append(ns.wrongFormat().message()).append('\n');
            }
        }
        out.append(baselineLine(log)).append('\n');
        out.append(remediationLine(log)).append('\n');
        if (withReport) {
            out.append("Report: ").append(reportLink != null ? reportLink
                    : "not written (see the write-report step in the audit log)").append('\n');
        }
        out.append("Audit log: ").append(gate.auditLogRef());
        return out.toString();
    }

    /** Most lines {@link #incompleteLines} prints; the audit log has the rest. */
    static final int MAX_INCOMPLETE_LINES = 5;

    /** A failed shard's cause in the audit log when keys are redacted. */
    static final String CAUSE_WITHHELD = "withheld because keys are redacted (an error message can quote key text);"
            + " see the ValidateShard function's log for this run";

    /**
     * Why the run is incomplete, one line per failed shard or skipped part (at most {@link #MAX_INCOMPLETE_LINES}),
     * so that a person sees the cause without opening the audit log. Lines hold shard ids, tenant ids, namespaces,
     * nodes and reasons. A failed shard's cause is an error message, which can quote key text (e.g. a database
     * rejecting a key's id), so with redacted keys only the error name is shown.
     */
    public static List<String> incompleteLines(List<ShardReport> shards, boolean plainKeys) {
        List<String> lines = new ArrayList<>();
        for (ShardReport shard : shards == null ? List.<ShardReport>of() : shards) {
            if (shard.error() != null) {
                String cause = shard.cause() == null || !plainKeys ? null : shard.cause().replaceAll("\\s+", " ").trim();
                lines.add(shard.shardId() + " failed: " + shard.error() + (cause == null || cause.isEmpty() ? ""
                        : ": " + cause) + (plainKeys ? "" : " (keys are redacted: the cause is withheld; see the ValidateShard log)"));
                continue;
            }
            // group the skipped parts of a shard by node and reason: a dead node skips every tenant of the shard
            // (a tenant/namespace skipped in several batches is named once, with its keys added up)
            Map<String, Map<String, Long>> byReason = new LinkedHashMap<>();
            for (Skipped part : shard.skipped() == null ? List.<Skipped>of() : shard.skipped()) {
                String where = (part.node() == null ? "" : " on " + part.node()) + ": " + part.reason();
                String what = part.tenant() == null ? "all tenants"
                        : part.tenant() + (part.namespace() == null ? "" : "/" + part.namespace());
                byReason.computeIfAbsent(where, w -> new LinkedHashMap<>()).merge(what, part.keys(), Long::sum);
            }
            for (Map.Entry<String, Map<String, Long>> e : byReason.entrySet()) {
                long keys = e.getValue().values().stream().mapToLong(Long::longValue).sum();
                lines.add(shard.shardId() + ": " + String.join(", ", e.getValue().keySet()) + " not checked"
                        + (keys > 0 ? " (" + keys + " keys known)" : "") + e.getKey());
            }
        }
        if (lines.size() > MAX_INCOMPLETE_LINES) {
            int more = lines.size() - MAX_INCOMPLETE_LINES;
            lines = new ArrayList<>(lines.subList(0, MAX_INCOMPLETE_LINES));
            lines.add("... and " + more + " more (see shards in the audit log)");
        }
        return lines;
    }

    /**
     * For a sampled run, the estimated drift ratio with its 95% interval and the sample size, in one line; null for a
     * full run.
     */
    public static String samplingLine(AuditLog log) {
        io.cachecheck.audit.SamplingReport r = log.sampling();
        if (r == null) {
            return null;
        }
        io.cachecheck.sample.DriftEstimate e = r.overall();
        return String.format(Locale.ROOT, "Sampled: %s%% of the keys (%d checked, %d not sampled); estimated drift ratio"
                        + " %s, 95%% interval [%s, %s] (Wilson); the verdict can never be CONSISTENT, the gate compares the upper bound",
                trim(100 * r.fraction()), e.keysChecked(), r.keysNotSampled(), ratio(e.ratio()), ratio(e.low()), ratio(e.high()));
    }

    private static String ratio(double value) {
        return String.format(Locale.ROOT, "%.6f", value);
    }

    /** Regressions, persistent and resolved drift against the baseline, in one line. */
    public static String baselineLine(AuditLog log) {
        ComparisonReport c = log.comparison();
        RunSummary s = log.summary();
        if (c.comparedTo() == null) {
            return "Baseline: none to compare with (" + (c.note() != null ? c.note()
                    : c.selection().equals("none") ? "baseline none" : "first run") + "); regressions: 0";
        }
        long newDrift = c.regressions().stream().filter(r -> r.kind() == Regression.Kind.NEW_DRIFT).count();
        return "Baseline " + c.comparedTo() + ": regressions: " + s.regressions() + " (" + newDrift
                + " newly drifting keys, " + (s.regressions() - newDrift) + " score drops), persistent: " + s.persistent()
                + ", resolved: " + s.resolved()
                // drift that this run could not re-check (incomplete part, in flight, truncated): kept, not resolved
                + (c.unverified().isEmpty() ? "" : ", unverified: " + c.unverified().size());
    }

    /** Remediation required and done, in one line. */
    public static String remediationLine(AuditLog log) {
        String line = remediationCounts(log);
        if (log.remediation() != null && log.findingsTruncated()) {
            // findings beyond check.maxFindings are counted but not kept, so they get no action in this run
            line += "; findings were truncated at check.maxFindings, so the plan covers only the kept findings"
                    + (log.summary() == null ? "" : " (" + log.summary().driftedKeys() + " keys drifted)");
        }
        return line;
    }

    private static String remediationCounts(AuditLog log) {
        RemediationRecord r = log.remediation();
        if (r == null) {
            return "Remediation: not required";
        }
        RemediationReport report = r.report();
        int actions = r.plan().actions().size();
        String required = "Remediation: required for " + actions + (actions == 1 ? " key" : " keys");
        if (!report.executed()) {
            return required + ", not executed: " + String.join("; ", report.notExecutedReasons());
        }
        if (r.plan().actions().isEmpty()) {
            // e.g. only UNMAPPED keys drifted: there is nothing --remediate could do, so do not suggest it
            Map<String, Long> excluded = new java.util.TreeMap<>();
            r.plan().excluded().forEach(e -> excluded.merge(e.reason(), 1L, Long::sum));
            return required + (excluded.isEmpty() ? "" : " (" + r.plan().excluded().size() + " drifted keys get no action: "
                    + String.join(", ", excluded.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList())
                    + "; see docs/remediation.md)");
        }
        if (report.dryRun()) {
            return required + " (dry run; set \"remediate\": true, or --remediate locally, to apply)";
        }
        return String.format(Locale.ROOT, "%s, done: applied %d, skipped (changed) %d, skipped (gone) %d, failed %d",
                required, report.count(Outcome.APPLIED), report.count(Outcome.SKIPPED_CHANGED),
                report.count(Outcome.SKIPPED_GONE), report.count(Outcome.FAILED));
    }

    private static String trim(double value) {
        String text = String.format(Locale.ROOT, "%.4f", value);
        text = text.replaceAll("0+$", "");
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }
}
