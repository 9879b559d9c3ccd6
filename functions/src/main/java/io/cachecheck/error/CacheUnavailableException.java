package io.cachecheck.error;

/** Redis could not be reached or stopped answering after retries. Retryable. */
public class CacheUnavailableException extends CacheCheckException {
    public CacheUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
