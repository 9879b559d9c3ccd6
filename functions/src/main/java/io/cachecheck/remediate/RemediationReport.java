package io.cachecheck.remediate;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The outcome of executing a plan.
 *
 * @param dryRun            true when Redis was not touched
 * @param executed          false when the plan was refused as a whole (a cap exceeded): then {@code results} is empty
 * @param notExecutedReasons why it was refused
 * @param results           one per planned action, in plan order
 */
public record RemediationReport(boolean dryRun, boolean executed, List<String> notExecutedReasons,
                                List<ActionResult> results) {

    public RemediationReport {
        notExecutedReasons = List.copyOf(notExecutedReasons);
        results = List.copyOf(results);
    }

    /** Actions per outcome; every outcome is present. */
    public Map<Outcome, Long> counts() {
        Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            counts.put(o, 0L);
        }
        results.forEach(r -> counts.merge(r.outcome(), 1L, Long::sum));
        return counts;
    }

    public long count(Outcome outcome) {
        return results.stream().filter(r -> r.outcome() == outcome).count();
    }

    /** The same report with keys replaced, for output. */
    public RemediationReport withKeys(UnaryOperator<String> keys) {
        return new RemediationReport(dryRun, executed, notExecutedReasons, results.stream().map(r -> r.withKey(keys)).toList());
    }
}
