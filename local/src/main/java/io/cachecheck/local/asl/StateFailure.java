package io.cachecheck.local.asl;

/** An error raised by a state during an execution; travels up to Retry, Catch or the execution result. */
final class StateFailure extends RuntimeException {

    static final String RUNTIME = "States.Runtime";
    static final String DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded";

    private final String error;
    private final String cause;

    StateFailure(String error, String cause) {
        super(error + ": " + cause, null, false, false);
        this.error = error;
        this.cause = cause;
    }

    static StateFailure runtime(String stateName, String detail) {
        return new StateFailure(RUNTIME, "An error occurred while executing the state '" + stateName + "'. " + detail);
    }

    String error() {
        return error;
    }

    String cause() {
        return cause;
    }

    /**
     * States.Runtime and States.DataLimitExceeded are terminal: never retried nor caught, not even by States.ALL
     * (AWS, "Handling errors in Step Functions workflows").
     */
    boolean isRuntime() {
        return RUNTIME.equals(error) || DATA_LIMIT_EXCEEDED.equals(error);
    }
}
