package io.cachecheck.error;

/**
 * Root of cachecheck's unchecked exceptions. Subclasses are chosen by what the caller should do:
 * terminal ones ({@link ContractException}, {@link InvalidInputException}) must not be retried,
 * retryable ones ({@link CacheUnavailableException}, {@link SourceUnavailableException}) may be.
 * The state machine matches them by fully-qualified class name in Retry/Catch.
 *
 * <p>Messages never contain cached values, row contents or secrets: only names of fields, keys and settings.
 */
public class CacheCheckException extends RuntimeException {
    public CacheCheckException(String message) {
        super(message);
    }

    public CacheCheckException(String message, Throwable cause) {
        super(message, cause);
    }
}
