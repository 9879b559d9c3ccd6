package io.cachecheck.error;

/** The consistency contract is invalid. Terminal: fix the named field and run again. */
public class ContractException extends CacheCheckException {
    public ContractException(String message) {
        super(message);
    }

    public ContractException(String message, Throwable cause) {
        super(message, cause);
    }
}
