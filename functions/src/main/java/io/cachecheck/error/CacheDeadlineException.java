package io.cachecheck.error;

/**
 * A Redis call ran into the caller's deadline: it was stopped by its socket timeout, shortened to the time left, or
 * was not retried because the deadline had passed. A {@link CacheUnavailableException}, so that every caller that
 * skips a batch or a node whose cache did not answer skips this one too; the validator reports it as a
 * {@code deadline} skip.
 */
public class CacheDeadlineException extends CacheUnavailableException {
    public CacheDeadlineException(String message, Throwable cause) {
        super(message, cause);
    }
}
