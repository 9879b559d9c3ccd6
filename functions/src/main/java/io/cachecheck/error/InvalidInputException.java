package io.cachecheck.error;

/** The execution input or a handler's input is invalid. Terminal: fix the named field and start again. */
public class InvalidInputException extends CacheCheckException {
    public InvalidInputException(String message) {
        super(message);
    }
}
