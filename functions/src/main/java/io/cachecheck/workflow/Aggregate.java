package io.cachecheck.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachecheck.audit.AuditLog;
import io.cachecheck.audit.AuditLogBuilder;
import io.cachecheck.audit.AuditStep;
import io.cachecheck.audit.RunSummary;
import io.cachecheck.audit.ShardOutcome;
import io.cachecheck.audit.Trigger;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.ShardResult;
import io.cachecheck.check.TenantNamespaceResult;
import io.cachecheck.check.Verdict;
import io.cachecheck.error.CacheCheckException;
import io.cachecheck.error.InvalidInputException;

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
 * The last step of a run: reads every shard result by reference (a failed shard is an INCOMPLETE placeholder),
 * writes the audit log to {@code runs/<runId>/audit-log.json}, publishes the one-screen summary and decides the
 * gate from the input's thresholds.
 */
public final class Aggregate {
    private final WorkflowEnvironment env;

    public Aggregate(WorkflowEnvironment env) {
        this.env = env;
    }

    /** Facts from DiscoverShards, for the audit log. */
    public record DiscoveryFacts(int tenantCount, long durationMillis) {
    }

    public record Request(String runId, Instant startedAt, JsonNode input, DiscoveryFacts discovery,
                          List<ShardSummary> shards) {
    }

    /** The gate decision and the run's figures (the handler turns the figures into metrics). */
    public record Result(GateDecision decision, RunSummary summary) {
    }

    public Result aggregate(Request request) {
        Instant start = env.clock().instant();
        String runId = RunIds.check("runId", request.runId());
        ExecutionInput input = ExecutionInputParser.parse(request.input());
        if (request.shards() == null) {
            throw new InvalidInputException("shards: is required; pass the Map state's output");
        }
        List<ShardOutcome> outcomes = new ArrayList<>();
        Set<String> tenants = new LinkedHashSet<>(input.tenantScope());
        for (ShardSummary s : request.shards()) {
            ShardOutcome outcome = outcome(s);
            tenants.addAll(outcome.tenants());
            outcomes.add(outcome);
        }
        List<AuditStep> steps = new ArrayList<>();
        steps.add(new AuditStep("validate-input", "succeeded", 0, Map.of("mode", input.mode().id())));
        if (request.discovery() != null) {
            steps.add(new AuditStep("discover-shards", "succeeded", request.discovery().durationMillis(),
                    Map.of("activeTenants", request.discovery().tenantCount(), "shards", request.shards().size())));
        }
        Instant startedAt = request.startedAt() == null ? start : request.startedAt();
        Trigger trigger = new Trigger(input.mode().id(), input.allTenants() ? null : input.tenantScope(),
                input.gate().maxDriftRatio(), input.gate().failOnIncomplete(), input.gate().failOnRegression(),
                input.maxConcurrency(), input.remediate(), input.baseline());
        AuditLog log = AuditLogBuilder.build(runId, trigger, startedAt, env.clock().instant(), new ArrayList<>(tenants),
                steps, outcomes);
        String auditKey = RunIds.auditLogKey(runId);
        GateDecision decision = decide(input, log.summary(), env.store().location(auditKey));
        List<AuditStep> finalSteps = new ArrayList<>(log.steps());
        finalSteps.add(new AuditStep("aggregate", "succeeded", Duration.between(start, env.clock().instant()).toMillis(),
                Map.of("verdict", log.summary().verdict().name(), "gatePassed", decision.passed())));
        finalSteps.add(publish(log, decision));
        log = new AuditLog(log.version(), log.runId(), log.trigger(), log.startedAt(), env.clock().instant(),
                log.summary(), finalSteps, log.tenants(), log.namespaces(), log.shards(), log.findings(),
                log.findingsTruncated(), log.unmappedSample());
        env.store().put(auditKey, Json.pretty(log), "application/json");
        return new Result(decision, log.summary());
    }

    private ShardOutcome outcome(ShardSummary s) {
        if (s.failed()) {
            return ShardOutcome.failed(s.shardId(), s.tenants() == null ? List.of() : s.tenants(),
                    s.error() == null ? "States.TaskFailed" : s.error(), errorMessage(s.cause()));
        }
        byte[] json = env.store().get(s.resultRef()).orElseThrow(() -> new CacheCheckException("shard result "
                + env.store().location(s.resultRef()) + " is missing; it is written by ValidateShard, check the bucket's lifecycle rules"));
        ShardResult result;
        try {
            result = Json.MAPPER.readValue(json, ShardResult.class);
        } catch (IOException e) {
            throw new UncheckedIOException("shard result " + s.resultRef() + " cannot be read", e);
        }
        List<String> tenants = result.results().stream().map(TenantNamespaceResult::tenant).distinct().toList();
        return new ShardOutcome(s.shardId(), result, tenants, s.resultRef(), null, null);
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

    static GateDecision decide(ExecutionInput input, RunSummary s, String auditLogRef) {
        List<String> problems = new ArrayList<>();
        if (s.verdict() == Verdict.INCOMPLETE && input.gate().failOnIncomplete()) {
            problems.add(s.incompleteShards() + " of " + s.shards() + " shards incomplete (gate.failOnIncomplete)");
        }
        if (s.driftRatio() > input.gate().maxDriftRatio()) {
            problems.add(String.format(Locale.ROOT, "drift ratio %.6f (%d of %d keys) exceeds gate.maxDriftRatio %s",
                    s.driftRatio(), s.driftedKeys(), s.keysChecked(), trim(input.gate().maxDriftRatio())));
        }
        if (input.gate().failOnRegression() && s.regressions() > 0) {
            problems.add(s.regressions() + " regressions since the baseline (gate.failOnRegression)");
        }
        List<String> worst = s.worstTenants().stream().map(RunSummary.TenantScore::tenant).toList();
        boolean passed = problems.isEmpty();
        StringBuilder reason = new StringBuilder("verdict ").append(s.verdict());
        if (passed) {
            reason.append(String.format(Locale.ROOT, ": gate passed, %d of %d keys drifted, consistency score %s",
                    s.driftedKeys(), s.keysChecked(), trim(s.consistencyScore())));
        } else {
            reason.append(": gate failed: ").append(String.join("; ", problems));
        }
        if (!worst.isEmpty()) {
            reason.append("; worst tenants: ").append(String.join(", ", s.worstTenants().stream()
                    .map(t -> t.tenant() + " (score " + trim(t.score()) + ", " + t.driftedKeys() + " drifted)").toList()));
        }
        reason.append("; audit log: ").append(auditLogRef);
        return new GateDecision(passed, reason.toString(), s.verdict(), worst, auditLogRef, s.consistencyScore(),
                s.driftRatio(), s.keysChecked(), s.driftedKeys(), s.tenantsInScope(), s.tenantsValidated(),
                s.incompleteShards());
    }

    private AuditStep publish(AuditLog log, GateDecision decision) {
        RunSummary s = log.summary();
        String subject = "cachecheck " + s.verdict() + (decision.passed() ? "" : " (gate failed)") + ": run " + log.runId();
        if (subject.length() > 100) {
            subject = subject.substring(0, 97) + "...";
        }
        Instant start = env.clock().instant();
        try {
            env.notifier().publish(subject, summaryText(log, decision));
            return new AuditStep("publish-summary", "succeeded", Duration.between(start, env.clock().instant()).toMillis(), Map.of());
        } catch (CacheCheckException e) {
            // The audit log is the record of the run; a lost notification must not lose it.
            return new AuditStep("publish-summary", "failed", Duration.between(start, env.clock().instant()).toMillis(),
                    Map.of("error", e.getMessage()));
        }
    }

    /** The one-screen summary: figures, tenant ids and the audit log location; never values or secrets. */
    public static String summaryText(AuditLog log, GateDecision decision) {
        RunSummary s = log.summary();
        Map<DriftClass, Long> c = s.counts();
        StringBuilder out = new StringBuilder();
        out.append("Run ").append(log.runId()).append(" (").append(log.trigger().mode()).append("): ").append(s.verdict()).append('\n');
        out.append("Gate: ").append(decision.passed() ? "passed" : "FAILED").append('\n');
        out.append("Tenants validated: ").append(s.tenantsValidated()).append(" of ").append(s.tenantsInScope())
                .append(" (").append(s.tenantsWithDrift()).append(" with drift)").append('\n');
        out.append("Keys checked: ").append(s.keysChecked()).append(", drifted: ").append(s.driftedKeys())
                .append(" (stale ").append(c.getOrDefault(DriftClass.STALE, 0L))
                .append(", orphan ").append(c.getOrDefault(DriftClass.ORPHAN, 0L))
                .append(", corrupt ").append(c.getOrDefault(DriftClass.CORRUPT, 0L))
                .append(", unmapped ").append(c.getOrDefault(DriftClass.UNMAPPED, 0L))
                .append("), in flight: ").append(c.getOrDefault(DriftClass.IN_FLIGHT, 0L)).append('\n');
        out.append("Consistency score: ").append(trim(s.consistencyScore())).append(" / 100").append('\n');
        if (!s.worstTenants().isEmpty()) {
            out.append("Worst tenants: ").append(String.join(", ", s.worstTenants().stream()
                    .map(t -> t.tenant() + " " + trim(t.score()) + " (" + t.driftedKeys() + " drifted)").toList())).append('\n');
        }
        if (s.incompleteShards() > 0) {
            out.append("Incomplete shards: ").append(s.incompleteShards()).append(" of ").append(s.shards()).append('\n');
        }
        out.append("Audit log: ").append(decision.auditLogRef());
        return out.toString();
    }

    private static String trim(double value) {
        String text = String.format(Locale.ROOT, "%.4f", value);
        text = text.replaceAll("0+$", "");
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.put((String) kv[i], kv[i + 1]);
        }
        return out;
    }
}
