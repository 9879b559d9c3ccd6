package io.cachecheck.decode.javaser;

/** An enum constant (TC_ENUM): rendered as its name. */
record JavaEnum(ClassDesc desc, String constant) {
}
