package io.cachecheck.decode;

/**
 * A value could not be decoded. {@link #reason()} is a short, stable CORRUPT reason such as
 * {@code java-serialization: custom writeObject data in com.example.Order}: it may name classes, formats and sizes,
 * never any byte or text of the value itself, because it ends up in the audit log.
 *
 * <p>Checked on purpose: it never leaves the decode layer, which turns it into a CORRUPT result.
 */
public final class UndecodableException extends Exception {
    private final String reason;

    public UndecodableException(String reason) {
        super(reason, null, false, false); // no stack trace: expected for hostile input, and cheap
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
