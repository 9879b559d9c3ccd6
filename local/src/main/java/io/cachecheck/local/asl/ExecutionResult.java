package io.cachecheck.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Outcome of one execution. A failed execution is data, not an exception.
 *
 * @param output the execution output when {@link ExecutionStatus#SUCCEEDED}, otherwise {@code null}
 * @param error the ASL error name when not succeeded, e.g. {@code States.Runtime}
 * @param cause the error's cause, may be {@code null}
 * @param history the most recent state events, oldest first, bounded by {@link AslOptions#historyLimit()}
 */
public record ExecutionResult(
        ExecutionStatus status, JsonNode output, String error, String cause, List<StateEvent> history) {

    public ExecutionResult {
        history = List.copyOf(history);
    }

    public boolean succeeded() {
        return status == ExecutionStatus.SUCCEEDED;
    }
}
