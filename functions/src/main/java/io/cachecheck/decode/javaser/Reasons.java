package io.cachecheck.decode.javaser;

import io.cachecheck.decode.UndecodableException;

/**
 * The CORRUPT reasons of this reader, in one place so that they stay stable (they are matched in tests and documented
 * in docs/formats.md). They name classes, fields and sizes from the stream's descriptors, never a value.
 */
final class Reasons {
    static final String PREFIX = "java-serialization: ";
    private static final int MAX_NAME_LENGTH = 200;

    private Reasons() {
    }

    static UndecodableException corrupt(String detail) {
        return new UndecodableException(PREFIX + detail);
    }

    static UndecodableException tooLarge(int length, long maxBytes) {
        return new UndecodableException(io.cachecheck.decode.CorruptReasons.tooLarge(length, maxBytes));
    }

    static UndecodableException noHeader() {
        return corrupt("not a Java serialisation stream (it does not start with 0xACED0005)");
    }

    static UndecodableException truncated() {
        return corrupt("truncated");
    }

    static UndecodableException malformed(String what) {
        return corrupt("malformed stream (" + what + ")");
    }

    static UndecodableException tooDeep(int maxDepth) {
        return corrupt("nested deeper than " + maxDepth + " (maxDepth)");
    }

    static UndecodableException tooManyNodes(int maxNodes) {
        return corrupt("more than " + maxNodes + " nodes (maxNodes)");
    }

    static UndecodableException customData(String className) {
        return corrupt("custom writeObject data in " + name(className));
    }

    static UndecodableException externalizable(String className) {
        return corrupt("Externalizable class " + name(className));
    }

    static UndecodableException proxy(ClassDesc desc) {
        return corrupt("dynamic proxy class (" + String.join(", ", desc.proxyInterfaces().stream().map(Reasons::name).toList()) + ")");
    }

    static UndecodableException cycle(String className) {
        return corrupt("cyclic reference to " + name(className));
    }

    static UndecodableException unexpectedData(String className) {
        return corrupt("unexpected data in " + name(className));
    }

    static UndecodableException subclass(String subclass, String known) {
        return corrupt("subclass " + name(subclass) + " of " + name(known) + " adds fields or data");
    }

    static UndecodableException duplicateField(String field, String className) {
        return corrupt("field " + name(field) + " declared twice in the hierarchy of " + name(className));
    }

    /**
     * A class or field name as it may appear in a reason: names come from the (untrusted) stream, so anything that is
     * not a plausible Java name is replaced rather than copied into the audit log.
     */
    static String name(String raw) {
        if (raw == null || raw.isEmpty() || raw.length() > MAX_NAME_LENGTH) {
            return "(unprintable name)";
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (!Character.isLetterOrDigit(c) && "_$.[;/".indexOf(c) < 0) {
                return "(unprintable name)";
            }
        }
        return raw;
    }
}
