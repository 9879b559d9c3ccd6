package io.cachecheck.decode.javaser;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachecheck.decode.UndecodableException;

/** An object (TC_OBJECT): its class descriptor and the data of each of its serialisable classes. */
final class JavaObject {
    final ClassDesc desc;
    /** One entry per class of {@code desc.hierarchy()}, top-most first; for an Externalizable object, one entry. */
    ClassData[] data = new ClassData[0];
    /** While the object is being rendered: meeting it again is a cycle. */
    boolean rendering;
    /** The rendered node when it is a scalar (text, number, boolean, null), which may be shared by references. */
    JsonNode rendered;

    JavaObject(ClassDesc desc) {
        this.desc = desc;
    }

    /** The data written for the class named {@code className}, which a reader of that class requires. */
    ClassData data(String className) throws UndecodableException {
        for (ClassData d : data) {
            if (d.desc().name().equals(className)) {
                return d;
            }
        }
        throw Reasons.unexpectedData(className);
    }
}
