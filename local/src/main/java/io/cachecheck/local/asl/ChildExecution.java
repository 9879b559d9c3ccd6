package io.cachecheck.local.asl;

import java.util.List;

/**
 * One child execution a Distributed Map started, with its own history (as in AWS, where each child is an execution
 * of its own with its own event history and quotas).
 *
 * @param name the execution name, unique in the Map run
 * @param mapRunArn the Map run that started it
 * @param index the item's index in the Map run
 * @param status SUCCEEDED, FAILED or ABORTED
 * @param error the error when not succeeded
 * @param history the child's state events, bounded by {@link AslOptions#historyLimit()}
 */
public record ChildExecution(String name, String mapRunArn, int index, ExecutionStatus status, String error,
        List<StateEvent> history) {

    public ChildExecution {
        history = List.copyOf(history);
    }
}
