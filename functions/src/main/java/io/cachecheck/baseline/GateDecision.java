package io.cachecheck.baseline;

import java.util.List;

/**
 * The gate's decision.
 *
 * @param passed  true when no reason to fail was found
 * @param reasons why it failed, one sentence each; empty when it passed
 */
public record GateDecision(boolean passed, List<String> reasons) {
    public GateDecision {
        reasons = List.copyOf(reasons);
    }
}
