package io.cachecheck.decode.javaser;

/**
 * A serialisable field of a class descriptor.
 *
 * @param typeCode  B C D F I J S Z for primitives, {@code L} for an object, {@code [} for an array
 * @param name      the field name, which becomes the key of the tree's object
 */
record FieldDesc(char typeCode, String name) {
    boolean primitive() {
        return typeCode != 'L' && typeCode != '[';
    }
}
