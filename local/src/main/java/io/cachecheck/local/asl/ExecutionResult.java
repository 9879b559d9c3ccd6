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
 * @param childExecutions the child executions of its Distributed Maps, each with its own history
 */
public record ExecutionResult(ExecutionStatus status, JsonNode output, String error, String cause,
        List<StateEvent> history, List<ChildExecution> childExecutions) {

    public ExecutionResult {
        history = List.copyOf(history);
        childExecutions = List.copyOf(childExecutions);
    }

    public ExecutionResult(ExecutionStatus status, JsonNode output, String error, String cause, List<StateEvent> history) {
        this(status, output, error, cause, history, List.of());
    }

    /** The largest state input or output in this execution's history and its children's (-1 when none recorded). */
    public int largestPayloadBytes() {
        int max = history.stream().mapToInt(StateEvent::payloadBytes).max().orElse(-1);
        for (ChildExecution child : childExecutions) {
            max = Math.max(max, child.history().stream().mapToInt(StateEvent::payloadBytes).max().orElse(-1));
        }
        return max;
    }

    public boolean succeeded() {
        return status == ExecutionStatus.SUCCEEDED;
    }
}
