package io.cachecheck.decode.javaser;

import io.cachecheck.decode.UndecodableException;

import java.util.List;

/**
 * What the stream holds for one class of an object: the values of its serialisable fields (boxed primitives or
 * stream values, in descriptor order) and, when the class has a writeObject method or is Externalizable, the
 * block data and objects written after them ({@code annotation}: {@link BlockData} records and stream values).
 *
 * @param annotation null when the class writes nothing beyond its fields
 */
record ClassData(ClassDesc desc, Object[] values, List<Object> annotation) {
    boolean hasFields() {
        return values.length > 0;
    }

    boolean hasCustomData() {
        return annotation != null && !annotation.isEmpty();
    }

    /** The value of a field that a known class must have, with this type code; otherwise the data is unexpected. */
    Object value(String field, char typeCode) throws UndecodableException {
        FieldDesc[] fields = desc.fields();
        for (int i = 0; i < fields.length; i++) {
            if (fields[i].name().equals(field) && fields[i].typeCode() == typeCode) {
                return values[i];
            }
        }
        throw Reasons.unexpectedData(desc.name());
    }

    int intValue(String field) throws UndecodableException {
        return (Integer) value(field, 'I');
    }

    /** The data written by writeObject after the fields, for a known class that reads it. */
    CustomData customData() {
        return new CustomData(desc.name(), annotation == null ? List.of() : annotation);
    }

    /** A known class whose writeObject writes only its fields: anything more is unexpected. */
    void requireNoCustomData() throws UndecodableException {
        if (hasCustomData()) {
            throw Reasons.unexpectedData(desc.name());
        }
    }
}
