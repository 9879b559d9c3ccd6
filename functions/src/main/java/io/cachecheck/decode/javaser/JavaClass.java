package io.cachecheck.decode.javaser;

/** A {@code Class} object (TC_CLASS), e.g. an EnumMap's key type: rendered as the class name. */
record JavaClass(ClassDesc desc) {
}
