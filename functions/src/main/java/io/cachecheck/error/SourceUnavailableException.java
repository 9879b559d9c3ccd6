package io.cachecheck.error;

/** The source database could not be reached or stopped answering after retries. Retryable. */
public class SourceUnavailableException extends CacheCheckException {
    public SourceUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
