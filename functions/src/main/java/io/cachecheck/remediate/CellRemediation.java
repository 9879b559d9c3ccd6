package io.cachecheck.remediate;

import io.cachecheck.throttle.RateLimiter;

import io.cachecheck.contract.Contract;
import io.cachecheck.contract.SecretResolver;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Executes a plan whose keys live in several cells (a cell contract): each action on its own tenant's cell's cache,
 * through one {@link RemediationExecutor} per cell. The run's caps are checked on the whole plan, and one write rate
 * ({@code maxWritesPerSecond}) is shared by every cell, so the limits read as they do without cells.
 */
public final class CellRemediation {
    /** The outcome of an action whose tenant no checked cell holds: no cache is known to act on. */
    public static final String CELL_UNKNOWN = "cell-unknown";

    private CellRemediation() {
    }

    /**
     * @param cellOf the contract of the cell each tenant was checked in (its filled endpoints), or null when unknown
     */
    public static RemediationReport execute(RemediationPlan plan, boolean dryRun, KeyResolver keys,
                                            Function<String, Contract> cellOf, SecretResolver secrets, Limits limits) {
        List<String> blocked = new ArrayList<>(plan.blockedReasons());
        if (blocked.isEmpty()) {
            blocked.addAll(RemediationPlanner.capViolations(plan.actions(), limits));
        }
        if (!plan.executable() || !blocked.isEmpty()) {
            return new RemediationReport(dryRun, false, blocked.isEmpty() ? List.of("plan is marked not executable") : blocked, List.of());
        }
        Map<Contract, List<PlannedAction>> byCell = new IdentityHashMap<>();
        Map<PlannedAction, ActionResult> done = new LinkedHashMap<>();
        for (PlannedAction action : plan.actions()) {
            Contract cell = cellOf.apply(action.tenant());
            if (cell == null) {
                done.put(action, ActionResult.of(action, Outcome.FAILED, CELL_UNKNOWN));
            } else {
                byCell.computeIfAbsent(cell, c -> new ArrayList<>()).add(action);
            }
        }
        RateLimiter limiter = RateLimiter.perSecond(limits.maxWritesPerSecond());
        for (Map.Entry<Contract, List<PlannedAction>> e : byCell.entrySet()) {
            Contract cell = e.getKey();
            RemediationPlan part = new RemediationPlan(e.getValue(), List.of(), true, List.of(), limits);
            try (RemediationExecutor executor = new RemediationExecutor(cell,
                    () -> RedisWriteClient.open(cell.cache(), secrets), limits, limiter)) {
                RemediationReport report = executor.execute(part, dryRun, keys);
                for (int i = 0; i < part.actions().size(); i++) {
                    done.put(part.actions().get(i), report.results().get(i));
                }
            }
        }
        List<ActionResult> results = new ArrayList<>(plan.actions().size());
        for (PlannedAction action : plan.actions()) {
            results.add(done.get(action));
        }
        return new RemediationReport(dryRun, true, List.of(), results);
    }
}
