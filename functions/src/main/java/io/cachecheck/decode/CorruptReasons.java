package io.cachecheck.decode;

/** The CORRUPT reasons the decode layer gives; findings and the remediation planner match on them. */
public final class CorruptReasons {
    /** A value larger than check.maxValueBytes, which is never decoded nor compared. */
    public static final String TOO_LARGE = "too-large";
    public static final String NOT_UTF8 = "not-utf8";
    public static final String INVALID_JSON = "invalid-json";
    public static final String DUPLICATE_FIELD = "duplicate-field";
    public static final String NOT_A_JSON_OBJECT = "not-a-json-object";
    public static final String UNEXPECTED_FIELDS = "unexpected-fields";

    private CorruptReasons() {
    }

    public static String tooLarge(long size, long maxValueBytes) {
        return TOO_LARGE + ": " + size + " bytes > check.maxValueBytes " + maxValueBytes;
    }
}
