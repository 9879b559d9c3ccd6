package io.cachecheck.local.asl;

/**
 * A Task's function reported an error. {@link #error()} is matched against {@code ErrorEquals} in Retry and Catch.
 */
public class TaskFailedException extends RuntimeException {

    private final String error;
    private final String cause;

    public TaskFailedException(String error, String cause) {
        super(error + (cause == null ? "" : ": " + cause));
        if (error == null || error.isBlank()) {
            throw new IllegalArgumentException("error must name the failure, e.g. the exception's class name");
        }
        this.error = error;
        this.cause = cause;
    }

    /** The ASL error name, e.g. {@code com.example.SourceUnavailableException}. */
    public String error() {
        return error;
    }

    /** Human-readable detail, may be {@code null}. */
    public String cause() {
        return cause;
    }
}
