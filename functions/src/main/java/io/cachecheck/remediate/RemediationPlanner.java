package io.cachecheck.remediate;

import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Finding;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.Namespace;
import io.cachecheck.decode.CorruptReasons;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns findings into a bounded {@link RemediationPlan}: one action per drifted key of a known namespace, confined to
 * the finding's tenant. In-flight and unmapped keys never get an action.
 */
public final class RemediationPlanner {
    private static final Comparator<PlannedAction> ORDER = Comparator.comparing(PlannedAction::tenant)
            .thenComparing(PlannedAction::namespace).thenComparing(PlannedAction::key);

    /** The exclusion of a CORRUPT value in a namespace without {@code remediateUndecodable: true}. */
    public static final String NOT_COMPARED_UNDECODABLE = "not-compared-undecodable";

    private RemediationPlanner() {
    }

    /**
     * @param findings the validator's findings with their original (not redacted) keys
     */
    public static RemediationPlan plan(Contract contract, List<Finding> findings, Limits limits) {
        return plan(contract, findings, limits, KeyResolver.PLAIN);
    }

    /**
     * A plan whose actions keep the keys as the findings write them (e.g. redacted); {@code keys} gives the real key
     * for the confinement check. A key it cannot recover still gets an action (it counts towards the caps), which
     * the executor reports as FAILED {@code sealed-key-invalid}.
     */
    public static RemediationPlan plan(Contract contract, List<Finding> findings, Limits limits, KeyResolver keys) {
        List<PlannedAction> actions = new ArrayList<>();
        List<Excluded> excluded = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Finding f : findings) {
            String reason = exclusion(contract, f, keys.resolve(f.key()).orElse(null));
            if (reason == null && !seen.add(f.namespace() + '\u0000' + f.key())) {
                reason = "duplicate";
            }
            if (reason != null) {
                excluded.add(new Excluded(f.tenant(), f.namespace(), f.key(), f.driftClass(), reason));
                continue;
            }
            Namespace ns = contract.namespace(f.namespace());
            // an orphan has no row to rebuild from: it can only be invalidated
            Action action = ns.rebuild() && f.driftClass() != DriftClass.ORPHAN ? Action.REPOPULATE : Action.INVALIDATE;
            actions.add(new PlannedAction(f.tenant(), f.namespace(), f.key(), ns.valueType(), action, f.driftClass(), f.valueDigest()));
        }
        actions.sort(ORDER);
        List<String> blocked = capViolations(actions, limits);
        return new RemediationPlan(actions, excluded, blocked.isEmpty(), blocked, limits);
    }

    /** Why a plan may not run; empty when it may. Shared with the executor, which checks again. */
    static List<String> capViolations(List<PlannedAction> actions, Limits limits) {
        List<String> reasons = new ArrayList<>();
        if (actions.size() > limits.maxKeysPerRun()) {
            reasons.add("plan has " + actions.size() + " actions, more than maxKeysPerRun " + limits.maxKeysPerRun()
                    + "; nothing was executed: look into the cause, then raise the limit or remediate fewer tenants per run");
        }
        Map<String, Integer> perTenant = new TreeMap<>();
        actions.forEach(a -> perTenant.merge(a.tenant(), 1, Integer::sum));
        perTenant.forEach((tenant, n) -> {
            if (n > limits.maxKeysPerTenant()) {
                reasons.add("tenant " + tenant + " has " + n + " actions, more than maxKeysPerTenant " + limits.maxKeysPerTenant()
                        + "; nothing was executed: look into the cause, then raise the limit");
            }
        });
        return reasons;
    }

    /** @param realKey null when it cannot be recovered: then confinement is checked by nobody, and nothing is done */
    private static String exclusion(Contract contract, Finding f, String realKey) {
        if (f.driftClass() == DriftClass.UNMAPPED) {
            return "unmapped";
        }
        if (!f.driftClass().isDrift()) {
            return f.driftClass() == DriftClass.IN_FLIGHT ? "in-flight" : "not-drift";
        }
        if (f.driftClass() == DriftClass.CORRUPT && f.reason() != null && f.reason().startsWith(CorruptReasons.TOO_LARGE)) {
            // larger than check.maxValueBytes: never decoded nor compared, so not proven wrong; a tool limit is no
            // reason to delete a value (raise the limit to check it)
            return "not-compared-too-large";
        }
        if (!Confinement.namespaceExists(contract, f.namespace())) {
            return "unknown-namespace";
        }
        if (f.driftClass() == DriftClass.CORRUPT && !contract.namespace(f.namespace()).remediateUndecodable()) {
            // never decoded into fields (or not as the contract describes them), so never compared: nothing proves
            // the value wrong, and a wrong decode declaration would otherwise plan to delete the whole cache
            return NOT_COMPARED_UNDECODABLE;
        }
        if (realKey != null && Confinement.check(contract, f.tenant(), f.namespace(), realKey) == null) {
            return "outside-tenant-pattern";
        }
        if (f.valueDigest() == null) {
            return "no-value-digest";
        }
        return null;
    }
}
