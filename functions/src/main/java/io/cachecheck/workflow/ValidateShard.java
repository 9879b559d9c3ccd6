package io.cachecheck.workflow;

import io.cachecheck.cache.RedisNodes;
import io.cachecheck.check.ProgressListener;
import io.cachecheck.check.ShardResult;
import io.cachecheck.check.ShardValidator;
import io.cachecheck.check.ShardWorkItem;
import io.cachecheck.config.Settings;
import io.cachecheck.contract.Cells;
import io.cachecheck.contract.Contract;
import io.cachecheck.error.InvalidInputException;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks one work item, stores the full {@link ShardResult} under {@code runs/<runId>/shards/<shardId>.json} (as a
 * {@link StoredShardResult}: keys redacted and the real ones sealed when redaction is on) and
 * returns a {@link ShardSummary} small enough for the state machine whatever the number of findings.
 */
public final class ValidateShard {
    private final WorkflowEnvironment env;
    private final Checker checker;

    /** Runs the engine on one item; replaced in tests. */
    @FunctionalInterface
    public interface Checker {
        ShardResult check(Contract contract, ShardWorkItem item, Set<String> activeTenants, Instant deadline,
                          ProgressListener progress);
    }

    public ValidateShard(WorkflowEnvironment env) {
        this(env, (contract, item, active, deadline, progress) ->
                // Redis nodes are resolved per invocation: connections never outlive it (SnapStart-safe). The
                // cluster topology read waits at most until the deadline, like every later read.
                new ShardValidator(contract, RedisNodes.discover(contract.cache(), env.secrets(), millisUntil(env, deadline)),
                        env.secrets()).validate(item, active, deadline, progress));
    }

    private static int millisUntil(WorkflowEnvironment env, Instant deadline) {
        long millis = java.time.Duration.between(env.clock().instant(), deadline).toMillis();
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, millis));
    }

    public ValidateShard(WorkflowEnvironment env, Checker checker) {
        this.env = env;
        this.checker = checker;
    }

    public record Request(String runId, ShardWorkItem item) {
    }

    /**
     * @param remainingMillis time left before the caller is killed (Lambda's remaining time); the check stops a
     *                        safety margin earlier and reports INCOMPLETE instead
     */
    public ShardSummary validate(Request request, long remainingMillis) {
        String runId = RunIds.check("runId", request.runId());
        ShardWorkItem item = request.item();
        if (item == null) {
            throw new InvalidInputException("item: is required; pass one element of DiscoverShards' shards");
        }
        RunIds.check("item.shardId", item.shardId());
        if (item.tenantsRef() != null) {
            item = item.withTenants(storedTenants(item.tenantsRef(), RunIds.workTenantsKey(runId, item.shardId()),
                    "item.tenantsRef"));
        }
        Contract template = env.contract();
        if (template.cells() && item.cell() == null) {
            throw new InvalidInputException("item.cell: is required by a cell contract (cache or source per cell); pass an"
                    + " item as DiscoverShards plans it");
        }
        // a cell item connects only to its own cell: its values fill the contract's templates, checked again here
        Contract contract = template.inCell(item.cell());
        Instant now = env.clock().instant();
        Instant deadline = now.plusMillis(remainingMillis - 1000L * env.settings().get(Settings.DEADLINE_MARGIN_SECONDS));
        if (contract.check().deadlineSeconds() > 0) {
            Instant contractDeadline = now.plusSeconds(contract.check().deadlineSeconds());
            deadline = contractDeadline.isBefore(deadline) ? contractDeadline : deadline;
        }
        Set<String> active = item.reportUnmapped() ? activeTenants(runId) : Set.of();
        ShardResult result = checker.check(contract, item, active, deadline, env.progress(item.shardId()));
        if (item.cell() != null && template.cells()) {
            result = result.inCell(Cells.cell(template, item.cell().id(), item.cell().values()));
        }
        // Keys are redacted here already when redaction is on (every output, this intermediate one too); the real
        // keys of the findings travel sealed, for Aggregate's remediation only.
        String key = RunIds.shardKey(runId, item.shardId());
        env.store().put(key, StoredShardResult.of(result, env.redactor()).toJson(), "application/json");
        return new ShardSummary(result.shardId(), result.verdict(), result.counts(), result.keysScanned(),
                result.keysChecked(), result.skipped().size(), result.findings().size(), key,
                result.timings().totalMillis(), null, null, null);
    }

    private Set<String> activeTenants(String runId) {
        return new LinkedHashSet<>(storedTenants(RunIds.tenantsKey(runId), RunIds.tenantsKey(runId), "runId"));
    }

    /** A tenant list DiscoverShards stored for this run; {@code ref} must be the key it writes ({@code expected}). */
    private List<String> storedTenants(String ref, String expected, String field) {
        if (!ref.equals(expected)) {
            throw new InvalidInputException(field + ": '" + ref + "' is not this run's tenant list; expected '" + expected
                    + "' as written by DiscoverShards");
        }
        byte[] json = env.store().get(ref).orElseThrow(() -> new InvalidInputException(
                field + ": no tenant list at " + env.store().location(ref) + "; run DiscoverShards for this run first"));
        return Json.strings(json, "tenant list " + ref);
    }
}
