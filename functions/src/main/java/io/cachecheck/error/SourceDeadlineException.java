package io.cachecheck.error;

/**
 * A source query ran into the caller's deadline: it was stopped by its query timeout, or was not retried because the
 * deadline had passed. A {@link SourceUnavailableException}, so that every caller that skips a batch whose source did
 * not answer skips this one too; the validator reports it as a {@code deadline} skip.
 */
public class SourceDeadlineException extends SourceUnavailableException {
    public SourceDeadlineException(String message, Throwable cause) {
        super(message, cause);
    }
}
