package io.cachecheck.local.asl;

/** Terminal status of a local execution, as in the Step Functions {@code DescribeExecution} API. */
public enum ExecutionStatus {
    SUCCEEDED,
    FAILED,
    /** The state machine's top-level {@code TimeoutSeconds} elapsed. */
    TIMED_OUT,
    /** The calling thread was interrupted. */
    ABORTED
}
